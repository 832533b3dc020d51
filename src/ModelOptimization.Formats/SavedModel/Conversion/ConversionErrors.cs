using ModelOptimization.Core.Errors;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>The errors the SavedModel converter raises; each names the node (and function) concerned.</summary>
internal static class ConversionErrors
{
    /// <summary>OperatorNotSupported: a TensorFlow op the converter has no TFLite mapping for.</summary>
    public static ModelOptimizationException OperatorNotSupported(string op, string where, string node)
        => new(ErrorIds.OperatorNotSupported, ErrorKind.NotImplemented,
            $"Cannot convert the SavedModel to TFLite: the TensorFlow op '{op}' ({where}) is not supported.", node,
            $"Supported ops: {string.Join(", ", SavedModelConverter.SupportedOperations)}. Re-export the model without '{op}', or exclude it from the signature.");

    /// <summary>OperatorNotSupported: a supported op used in a way the converter cannot map (attribute, layout, dynamic weights...).</summary>
    public static ModelOptimizationException Unsupported(string what, object? target)
        => new(ErrorIds.OperatorNotSupported, ErrorKind.NotImplemented, $"Cannot convert the SavedModel to TFLite: {what}.", target,
            "Re-export the model in the supported form (NHWC layout, constant weights, static shapes except the batch).");

    /// <summary>ModelValidationFailed: the graph is inconsistent (a missing node, function or saved value).</summary>
    public static ModelOptimizationException Structure(string what, object? target)
        => new(ErrorIds.ModelValidationFailed, ErrorKind.InvalidData, $"Cannot convert the SavedModel to TFLite: {what}.", target,
            "Check that the SavedModel is complete and was written by TensorFlow; re-export it.");

    /// <summary>InputNotFound: the signature's outputs need a value that is not one of its inputs.</summary>
    public static ModelOptimizationException InputMissing(string what, object? target)
        => new(ErrorIds.InputNotFound, ErrorKind.InvalidArgument, what, target,
            "Choose a signature whose inputs feed all its outputs (-Signature), or re-export the model with that placeholder as an input.");

    /// <summary>ParameterCombinationInvalid: the options do not fit the model.</summary>
    public static ModelOptimizationException Option(string what, object? target)
        => new(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument, what, target, "Check the conversion options.");

    /// <summary>ShapeMismatch: shapes that do not fit together.</summary>
    public static ModelOptimizationException Shape(string what, object? target)
        => new(ErrorIds.ShapeMismatch, ErrorKind.InvalidData, $"Cannot convert the SavedModel to TFLite: {what}.", target,
            "Give the input shapes explicitly (SavedModelConversionOptions.InputShapes) or check the model.");
}
