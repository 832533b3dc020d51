using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tests.Tflite;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Formats.Tests;

public class ModelIOTests
{
    [Fact]
    public void Detect_TfliteFileAndSavedModelFolders_ByContent()
    {
        using var temp = new TempFolder();
        string tflite = temp.File("model.bin");
        TfliteWriter.WriteFile(SyntheticModels.FullyConnected(), tflite);
        Assert.Equal(ModelFormat.Tflite, ModelFormatDetector.Detect(tflite));

        string pb = Directory.CreateDirectory(temp.File("sm_pb")).FullName;
        File.WriteAllBytes(Path.Combine(pb, "saved_model.pb"), [0x08, 0x01]);
        Assert.Equal(ModelFormat.SavedModel, ModelFormatDetector.Detect(pb));

        string pbtxt = Directory.CreateDirectory(temp.File("sm_pbtxt")).FullName;
        File.WriteAllText(Path.Combine(pbtxt, "saved_model.pbtxt"), "saved_model_schema_version: 1");
        Assert.Equal(ModelFormat.SavedModel, ModelFormatDetector.Detect(pbtxt));

        string text = temp.File("notes.tflite");
        File.WriteAllText(text, "not a model at all");
        Assert.Null(ModelFormatDetector.Detect(text));
        File.WriteAllBytes(text, [1, 2, 3]);
        Assert.Null(ModelFormatDetector.Detect(text));
        Assert.Null(ModelFormatDetector.Detect(temp.File("missing")));
        Assert.Null(ModelFormatDetector.Detect(Directory.CreateDirectory(temp.File("empty")).FullName));
    }

    [SkippableFact]
    public void Detect_SharedSavedModel_IsSavedModel()
    {
        string? folder = TestModels.Find("savedmodel/half_plus_two_tf2");
        Skip.If(folder is null, "savedmodel/half_plus_two_tf2 is missing from the shared models.");
        Assert.Equal(ModelFormat.SavedModel, ModelFormatDetector.Detect(folder!));
    }

    [Fact]
    public void Import_Tflite_ReadsIt()
    {
        using var temp = new TempFolder();
        string path = temp.File("fc.tflite");
        TfliteWriter.WriteFile(SyntheticModels.FullyConnected(), path);
        var model = ModelIO.Import(path);
        Assert.Equal("fc", model.Name);
        Assert.Equal(ModelFormat.Tflite, model.Format);
    }

    [Fact]
    public void Import_Missing_ModelFileNotFound()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ModelOptimizationException>(() => ModelIO.Import(temp.File("nothing.tflite")));
        Assert.Equal(ErrorIds.ModelFileNotFound, e.ErrorId);
    }

    [Fact]
    public void Import_SavedModelWithoutMetaGraph_ModelValidationFailedNamingTheFile()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("saved_model.pb"), [0x08, 0x01]);
        var e = Assert.Throws<ModelOptimizationException>(() => ModelIO.Import(temp.Path));
        Assert.Equal(ErrorIds.ModelValidationFailed, e.ErrorId);
        Assert.Contains("saved_model.pb", e.Message);
    }

    [SkippableFact]
    public void Import_SavedModelFolder_ReadsTheTensorFlowGraph()
    {
        string? folder = ModelOptimization.Tests.Shared.TestModels.Find("savedmodel/half_plus_two_tf1");
        Skip.If(folder is null, "../shared/models/savedmodel/half_plus_two_tf1 is missing");
        var model = ModelIO.Import(folder!);
        Assert.Equal(ModelFormat.SavedModel, model.Format);
        Assert.NotNull(model.TensorFlowGraph);
        Assert.True(model.ParameterCount >= 2, $"{model.ParameterCount} parameters");
    }

    [Fact]
    public void Import_OtherContent_UnsupportedModelFormat()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("readme.txt"), "hello");
        Assert.Equal(ErrorIds.UnsupportedModelFormat,
            Assert.Throws<ModelOptimizationException>(() => ModelIO.Import(temp.File("readme.txt"))).ErrorId);
        Assert.Equal(ErrorIds.UnsupportedModelFormat,
            Assert.Throws<ModelOptimizationException>(() => ModelIO.Import(temp.Path)).ErrorId);
    }

    [Fact]
    public void Import_DamagedTfliteFile_ModelParseFailed()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("damaged.tflite"), "garbage garbage");
        Assert.Equal(ErrorIds.ModelParseFailed,
            Assert.Throws<ModelOptimizationException>(() => ModelIO.Import(temp.File("damaged.tflite"))).ErrorId);
    }

    [Fact]
    public void Export_Tflite_WritesAFileThatImportsEqual()
    {
        using var temp = new TempFolder();
        var model = SyntheticModels.KitchenSink();
        ModelIO.Export(model, temp.File("k.tflite"), ModelFormat.Tflite, null);
        Assert.Null(ModelComparer.FindFirstDifference(model, ModelIO.Import(temp.File("k.tflite"))));
    }

    [Fact]
    public void Export_SavedModel_UnsupportedModelFormat()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ModelOptimizationException>(() =>
            ModelIO.Export(SyntheticModels.FullyConnected(), temp.File("sm"), ModelFormat.SavedModel, null));
        Assert.Equal(ErrorIds.UnsupportedModelFormat, e.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
