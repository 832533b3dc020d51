using System.Collections;
using System.Reflection;

namespace ModelOptimization.Core.Graph;

/// <summary>
/// Compares two models field by field (every public property of every graph object, except those marked
/// <see cref="LayoutAttribute"/>) and reports the first difference as a path, e.g.
/// <c>Subgraphs[0].Tensors[3].Quantization.Scale[1]: 0.5 != 0.25</c>.
/// </summary>
public static class ModelComparer
{
    /// <summary>The first difference, or null when the models are equal.</summary>
    public static string? FindFirstDifference(Model a, Model b) => Compare(a, b, "Model", 0);

    public static bool AreEqual(Model a, Model b) => FindFirstDifference(a, b) is null;

    private static string? Compare(object? a, object? b, string path, int depth)
    {
        if (depth > 64) return $"{path}: nesting too deep";
        if (a is null || b is null) return a is null && b is null ? null : $"{path}: {Show(a)} != {Show(b)}";
        if (a.GetType() != b.GetType()) return $"{path}: type {a.GetType().Name} != {b.GetType().Name}";
        switch (a)
        {
            case string or Enum or bool or char or sbyte or byte or short or ushort or int or uint or long or ulong or decimal:
                return a.Equals(b) ? null : $"{path}: {Show(a)} != {Show(b)}";
            case float fa:
                return BitConverter.SingleToInt32Bits(fa) == BitConverter.SingleToInt32Bits((float)b) ? null : $"{path}: {fa} != {b}";
            case double da:
                return BitConverter.DoubleToInt64Bits(da) == BitConverter.DoubleToInt64Bits((double)b) ? null : $"{path}: {da} != {b}";
            case ReadOnlyMemory<byte> ma:
                var mb = (ReadOnlyMemory<byte>)b;
                if (ma.Length != mb.Length) return $"{path}: {ma.Length} bytes != {mb.Length} bytes";
                int at = ma.Span.CommonPrefixLength(mb.Span);
                return at == ma.Length ? null : $"{path}: byte {at} differs";
            case Tflite.OptionsDescriptor:
                return ReferenceEquals(a, b) || a.Equals(b) ? null : $"{path}: {a} != {b}";
            case Graph.OperatorOptions oa:
                var ob = (OperatorOptions)b;
                if (oa.Descriptor.Name != ob.Descriptor.Name) return $"{path}: {oa.Descriptor.Name} != {ob.Descriptor.Name}";
                for (int i = 0; i < oa.Values.Count; i++)
                {
                    if (Compare(oa.Values[i], ob.Values[i], $"{path}.{oa.Descriptor.Fields[i].Name}", depth + 1) is { } d) return d;
                }

                return null;
            case IList la:
                var lb = (IList)b;
                if (la.Count != lb.Count) return $"{path}: {la.Count} items != {lb.Count} items";
                for (int i = 0; i < la.Count; i++)
                {
                    if (Compare(la[i], lb[i], $"{path}[{i}]", depth + 1) is { } d) return d;
                }

                return null;
        }

        foreach (var p in a.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetCustomAttribute<LayoutAttribute>() is not null || !p.CanWrite && !IsRecordLike(a)) continue;
            if (Compare(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}", depth + 1) is { } d) return d;
        }

        return null;
    }

    // Records and init-only types expose their data through settable-or-init properties; derived read-only
    // properties (summaries, counts) are skipped for mutable graph classes.
    private static bool IsRecordLike(object o) => o is Quantization.QuantizationDetails;

    private static string Show(object? o) => o switch
    {
        null => "null",
        string s => $"'{s}'",
        Array arr => $"[{string.Join(",", arr.Cast<object>().Take(8))}{(arr.Length > 8 ? ",..." : "")}]",
        _ => o.ToString() ?? "",
    };
}
