using System.Globalization;
using System.Text;

namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// The value of a node attribute (<c>AttrValue</c>): exactly one of string, int, float, bool, type, shape, tensor,
/// list, function or placeholder, told by <see cref="Kind"/>. Immutable.
/// </summary>
public sealed class TfAttrValue
{
    public TfAttrKind Kind { get; init; }

    /// <summary>The raw bytes of a string attribute.</summary>
    public byte[]? Bytes { get; init; }

    public long Int { get; init; }

    public float Float { get; init; }

    public bool Bool { get; init; }

    public TfDataType Type { get; init; }

    public TfShape? Shape { get; init; }

    public TfTensor? Tensor { get; init; }

    public TfAttrList? List { get; init; }

    public TfFunctionRef? Func { get; init; }

    /// <summary>The placeholder name (inside function bodies: the attribute is supplied at instantiation).</summary>
    public string? Placeholder { get; init; }

    /// <summary>A string attribute decoded as UTF-8 (null for other kinds).</summary>
    public string? String => Kind == TfAttrKind.String && Bytes is not null ? Encoding.UTF8.GetString(Bytes) : null;

    public override string ToString() => Kind switch
    {
        TfAttrKind.String => Quote(Bytes ?? []),
        TfAttrKind.Int => Int.ToString(CultureInfo.InvariantCulture),
        TfAttrKind.Float => Float.ToString(CultureInfo.InvariantCulture),
        TfAttrKind.Bool => Bool ? "true" : "false",
        TfAttrKind.Type => TfDataTypeInfo.ShortName(Type),
        TfAttrKind.Shape => Shape?.ToString() ?? "",
        TfAttrKind.Tensor => Tensor?.ToString() ?? "",
        TfAttrKind.List => List?.ToString() ?? "[]",
        TfAttrKind.Func => Func?.ToString() ?? "",
        TfAttrKind.Placeholder => "$" + Placeholder,
        _ => "",
    };

    internal static string Quote(byte[] bytes)
    {
        const int max = 64;
        string s = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, max));
        return "\"" + s + (bytes.Length > max ? "…" : "") + "\"";
    }
}
