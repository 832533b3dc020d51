using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Core.Validation;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Converts a SavedModel (its TensorFlow graph form) to a TFLite model, like the TFLite converter does for the
/// common float op set: one signature becomes one subgraph with a TFLite SignatureDef; TF2 function calls are
/// inlined; variables become constants from the checkpoint; Conv2D filters are transposed HWIO → OHWI, depthwise
/// filters HWIM → [1,H,W,I·M], MatMul weights become FULLY_CONNECTED [out,in]; BiasAdd and FusedBatchNorm are
/// folded into the preceding convolution or fully connected layer and Relu/Relu6 become its fused activation.
/// Unknown input dimensions get size <see cref="SavedModelConversionOptions.BatchSize"/> in <c>shape</c> and -1 in
/// <c>shape_signature</c>. An op outside the supported set raises OperatorNotSupported naming the op and the node;
/// nothing partial is returned. The result passes <see cref="ModelValidator"/>.
/// </summary>
public static class SavedModelConverter
{
    /// <summary>The TensorFlow ops the converter handles (structural ones included).</summary>
    public static IReadOnlyList<string> SupportedOperations { get; } = GraphFlattener.LoweredOps
        .Concat(GraphFlattener.PassThroughOps)
        .Concat(["IdentityN", "NoOp", "Placeholder", "PlaceholderWithDefault", "StatefulPartitionedCall", "PartitionedCall",
            "VariableV2", "Variable", "VarHandleOp", "ReadVariableOp"])
        .Distinct()
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// Converts signature <see cref="SavedModelConversionOptions.SignatureKey"/> (default <c>serving_default</c>) of
    /// <paramref name="savedModel"/> to a new TFLite model whose <see cref="Model.Source"/> is the SavedModel.
    /// </summary>
    public static Model ToTflite(Model savedModel, SavedModelConversionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(savedModel);
        options ??= new SavedModelConversionOptions();
        if (options.BatchSize < 1) throw ConversionErrors.Option("BatchSize must be at least 1.", options.BatchSize);
        var graph = savedModel.TensorFlowGraph ?? throw new ModelOptimizationException(ErrorIds.UnsupportedModelFormat, ErrorKind.InvalidArgument,
            $"The model '{savedModel.Name}' has no TensorFlow graph: only a model read from a SavedModel can be converted to TFLite.", savedModel.Name,
            "Import a SavedModel folder with Import-Model.");
        var signature = SelectSignature(graph, options.SignatureKey, savedModel.Name);
        if (signature.Outputs.Count == 0)
        {
            throw ConversionErrors.Option($"Signature '{signature.Key}' of '{savedModel.Name}' has no outputs, so there is nothing to convert.", signature.Key);
        }

        var flat = OnLargeStack(() => GraphFlattener.Flatten(graph, signature));
        var model = TfliteLowering.Lower(flat, signature, options);
        model.Name = savedModel.Name;
        model.Format = ModelFormat.Tflite;
        model.Source = savedModel;
        model.Transform = $"Conversion SavedModel to TFLite ({signature.Key})";
        model.Description = "Converted from a TensorFlow SavedModel by ModelOptimization";
        model.Plan = savedModel.Plan.Clone();
        var issues = ModelValidator.Validate(model);
        if (issues.Count > 0)
        {
            throw new ModelOptimizationException(ErrorIds.ModelValidationFailed, ErrorKind.InvalidOperation,
                $"The TFLite model converted from '{savedModel.Name}' is inconsistent: {string.Join("; ", issues.Take(5))}", savedModel.Name,
                "This is a converter bug; please report it with the SavedModel.");
        }

        return model;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a thread with a 256 MB stack: flattening walks the graph recursively, and deep
    /// graphs must not overflow the caller's (possibly small) stack.
    /// </summary>
    private static T OnLargeStack<T>(Func<T> work)
    {
        T? result = default;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
            }
        }, 256 << 20)
        {
            Name = "SavedModel conversion",
            IsBackground = true,
        };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result!;
    }

    /// <summary>The signature a conversion uses: the one named, else <c>serving_default</c>, else the only one.</summary>
    public static TfSignature SelectSignature(TfGraph graph, string? key, string modelName)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (key is not null)
        {
            return graph.FindSignature(key) ?? throw ConversionErrors.Option(
                $"The SavedModel '{modelName}' has no signature '{key}' (it has: {string.Join(", ", graph.Signatures.Select(s => s.Key))}).", key);
        }

        if (graph.FindSignature("serving_default") is { } serving) return serving;
        if (graph.Signatures.Count == 1) return graph.Signatures[0];
        throw ConversionErrors.Option(graph.Signatures.Count == 0
            ? $"The SavedModel '{modelName}' has no signatures, so there are no inputs and outputs to convert."
            : $"The SavedModel '{modelName}' has several signatures and none is 'serving_default'; choose one ({string.Join(", ", graph.Signatures.Select(s => s.Key))}).", modelName);
    }
}
