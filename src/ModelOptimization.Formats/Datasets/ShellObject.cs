using System.Collections;
using System.Reflection;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Looks through PowerShell's PSObject wrappers without referencing PowerShell (this project must not): a PSObject
/// is recognised by type name and its BaseObject read by reflection.
/// </summary>
internal static class ShellObject
{
    private const string PSObjectTypeName = "System.Management.Automation.PSObject";
    private static PropertyInfo? _baseObject;

    public static object? Unwrap(object? value)
    {
        for (int guard = 0; guard < 8 && value is not null; guard++)
        {
            var type = value.GetType();
            if (type.FullName != PSObjectTypeName) break;
            _baseObject ??= type.GetProperty("BaseObject");
            object? inner = _baseObject?.GetValue(value);
            if (inner is null || ReferenceEquals(inner, value)) break;
            value = inner;
        }

        return value;
    }

    /// <summary>True for numbers, booleans and numeric strings' carriers that count as one value (not a list).</summary>
    public static bool IsScalar(object? value) => value is not null && (value.GetType().IsPrimitive || value is decimal or Half or string);

    /// <summary>True for a list of values (not a string, not a dictionary).</summary>
    public static bool IsList(object? value) => value is IEnumerable and not string and not IDictionary;

    /// <summary>The unwrapped elements of a list.</summary>
    public static List<object?> Items(IEnumerable list)
    {
        var items = list is ICollection c ? new List<object?>(c.Count) : [];
        foreach (object? item in list) items.Add(Unwrap(item));
        return items;
    }

    /// <summary>The number of values a (possibly nested) list holds when flattened, or 1 for a scalar.</summary>
    public static long LeafCount(object? value)
    {
        value = Unwrap(value);
        if (value is Array { Rank: >= 1 } a && a.GetType().GetElementType() is { IsPrimitive: true }) return a.LongLength;
        if (!IsList(value)) return 1;
        long n = 0;
        foreach (object? item in (IEnumerable)value!) n += LeafCount(item);
        return n;
    }

    /// <summary>0 for a scalar, 1 for a flat list, 2 for a list of lists, ... (judged by first elements).</summary>
    public static int Depth(object? value)
    {
        value = Unwrap(value);
        if (value is Array a && a.GetType().GetElementType() is { IsPrimitive: true }) return a.Rank;
        if (value is IDictionary) return 2;
        if (!IsList(value)) return 0;
        foreach (object? item in (IEnumerable)value!) return 1 + Depth(item);
        return 1;
    }
}
