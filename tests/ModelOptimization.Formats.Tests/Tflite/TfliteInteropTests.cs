using System.Buffers.Binary;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>
/// Exported files run in TFLite runtimes we did not write (LiteRT.js; tfjs-tflite for models with variable
/// tensors, which LiteRT.js cannot run) and give outputs bit-identical to the original file's on seeded random
/// inputs built from the model's input tensors.
/// </summary>
public class TfliteInteropTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => TfliteModelFiles.Names();

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Export_EveryRunnableModel_GivesBitIdenticalOutputs(string name)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        string path = TfliteModelFiles.PathOf(name);
        var model = TfliteRoundTripTests.ReadAny(path);
        Skip.If(name.StartsWith("person_detect", StringComparison.Ordinal),
            "person_detect_int8 is rejected by every TFLite runtime (1-D biases with quantized_dimension 3); it is an import/export round-trip model only.");

        bool variables = model.Subgraphs.Any(sg => sg.Tensors.Any(t => t.IsVariable));
        string runtime = variables ? "tfjs" : "litert"; // LiteRT.js: "Variable tensors not yet supported"
        var inputs = RandomInputs(model, seed: 20251126, out string? unsupported);
        Skip.If(unsupported is not null, unsupported);
        bool strip = model.Subgraphs.Any(sg => sg.Tensors.Any(t => t.ShapeSignature?.Contains(-1) == true));

        using var temp = new TempFolder();
        string inline = temp.File("inline.tflite");
        TfliteWriter.WriteFile(model, inline, new TfliteWriteOptions { Layout = BufferLayout.Inline });

        var expected = InteropRunner.Run(runtime, path, inputs, strip);
        Skip.If(!expected.Ok, $"{runtime} cannot run the original {name} either: {expected.Error}");
        var actual = InteropRunner.Run(runtime, inline, inputs, strip);
        Assert.True(actual.Ok, $"exported {name}: {actual}");
        AssertIdentical(expected, actual);
        output.WriteLine($"{name}: {runtime}, {expected.Outputs.Count} output(s) bit-identical");

        if (runtime == "litert")
        {
            // The > 2 GB layout (payloads after the FlatBuffer) must run the same in the newest runtime.
            string external = temp.File("external.tflite");
            TfliteWriter.WriteFile(model, external, new TfliteWriteOptions { Layout = BufferLayout.External });
            var fromExternal = InteropRunner.Run(runtime, external, inputs, strip);
            Assert.True(fromExternal.Ok, $"exported {name} (external layout): {fromExternal}");
            AssertIdentical(expected, fromExternal);
            output.WriteLine($"{name}: external layout bit-identical too");
        }
    }

    private static void AssertIdentical(InteropResult expected, InteropResult actual)
    {
        Assert.Equal(expected.Outputs.Count, actual.Outputs.Count);
        for (int i = 0; i < expected.Outputs.Count; i++)
        {
            var e = expected.Outputs[i];
            var a = actual.Outputs[i];
            Assert.Equal(e.DType, a.DType);
            Assert.Equal(e.Shape, a.Shape);
            int at = e.Data.AsSpan().CommonPrefixLength(a.Data);
            Assert.True(e.Data.Length == a.Data.Length && at == e.Data.Length,
                $"output {i} ({e}) differs at byte {at} of {e.Data.Length}");
        }
    }

    /// <summary>
    /// Seeded random values for subgraph 0's inputs, typed and shaped as the model says: floats in [-1, 1), int32
    /// in [0, 16) (token ids and indices stay in range), int16 in [-1000, 1000], bytes for uint8/int8.
    /// </summary>
    internal static List<InteropTensor> RandomInputs(Model model, int seed, out string? unsupported)
    {
        unsupported = null;
        var random = new Random(seed);
        var sg = model.Subgraphs[0];
        var inputs = new List<InteropTensor>();
        foreach (int index in sg.Inputs)
        {
            var t = sg.Tensors[index];
            int[] shape = t.Shape.Select(d => Math.Max(d, 1)).ToArray();
            int n = shape.Aggregate(1, (a, d) => a * d);
            string? dtype = t.Type switch
            {
                TensorType.Float32 => "float32",
                TensorType.Int32 => "int32",
                TensorType.UInt8 => "uint8",
                TensorType.Int8 => "int8",
                TensorType.Int16 => "int16",
                _ => null,
            };
            if (dtype is null)
            {
                unsupported = $"input '{t.Name}' is {TensorTypeInfo.ShortName(t.Type)}, which the interop harness cannot feed";
                return inputs;
            }

            var data = new byte[n * InteropTensor.ElementSize(dtype)];
            for (int i = 0; i < n; i++)
            {
                switch (dtype)
                {
                    case "float32":
                        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4 * i), (float)(random.NextDouble() * 2 - 1));
                        break;
                    case "int32":
                        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4 * i), random.Next(0, 16));
                        break;
                    case "int16":
                        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(2 * i), (short)random.Next(-1000, 1001));
                        break;
                    default:
                        data[i] = (byte)random.Next(256);
                        break;
                }
            }

            inputs.Add(InteropTensor.FromBytes(dtype, shape, data));
        }

        return inputs;
    }
}
