using System.Collections;
using System.Globalization;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Turns one sample as the shell gives it into one flat, row-major array per model input, in input order and in
/// each input's own element type.
/// </summary>
/// <remarks>
/// A sample is: an <see cref="Array"/>[] or a list with one entry per input (in input order); a dictionary
/// (hashtable) from input name, or index, to data; or, for a one-input model, that input's data itself. An input's
/// data is a typed array, a list of numbers, nested lists (flattened row-major) or a single number; numeric strings
/// are accepted. Float inputs take any number; integer inputs take whole numbers within their range; bool inputs
/// take 0/1/true/false. A typed array of exactly the input's type and length is used as it is (not copied).
/// Anything else fails with InputDataInvalid (InputNotFound for a dictionary key that names no input).
/// </remarks>
public static class SampleConverter
{
    /// <summary>Converts <paramref name="sample"/> for a model with the given inputs.</summary>
    public static Array[] Convert(object sample, IReadOnlyList<(string Name, int[] Shape, TensorType Type)> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        object? value = ShellObject.Unwrap(sample);
        if (value is null) throw DatasetErrors.InputData("The sample is empty ($null).");
        if (inputs.Count == 0) throw DatasetErrors.InputData("The model has no inputs to give the sample to.");

        object?[] parts;
        if (value is IDictionary dictionary)
        {
            parts = FromDictionary(dictionary, inputs);
        }
        else if (value is Array[] arrays && arrays.Length == inputs.Count && arrays.All(IsPlainArray))
        {
            parts = arrays;
        }
        else if (inputs.Count == 1)
        {
            // The input's data itself, or a list holding just that data.
            parts = [value];
            if (ShellObject.IsList(value) && !IsPlainArray(value))
            {
                var items = ShellObject.Items((IEnumerable)value);
                if (items.Count == 1 && ShellObject.IsList(items[0])) parts = [items[0]];
            }
        }
        else
        {
            if (!ShellObject.IsList(value) || IsPlainArray(value))
            {
                throw DatasetErrors.InputData(
                    $"The model has {inputs.Count} inputs ({Names(inputs)}); give a sample as a list of {inputs.Count} arrays in that order, or a hashtable from input name to array.");
            }

            var items = ShellObject.Items((IEnumerable)value);
            if (items.Count != inputs.Count)
            {
                throw DatasetErrors.InputData(
                    $"The sample has {items.Count} arrays, but the model has {inputs.Count} inputs ({Names(inputs)}); give one array per input, in that order.");
            }

            parts = items.ToArray();
        }

        var result = new Array[inputs.Count];
        for (int i = 0; i < inputs.Count; i++) result[i] = ConvertInput(parts[i], inputs[i], i);
        return result;
    }

    /// <summary>
    /// Converts one input's data (typed array, list, nested lists or number) to a flat array of
    /// <paramref name="input"/>'s type, checking the length against its shape.
    /// </summary>
    public static Array ConvertInput(object? data, (string Name, int[] Shape, TensorType Type) input, int index = 0)
    {
        var (name, shape, type) = input;
        var elementType = ValueConverter.ElementType(type) ?? throw DatasetErrors.InputData(
            $"Input '{name}' is {TensorTypeInfo.ShortName(type)}, a type the module cannot give data for.", name);
        data = ShellObject.Unwrap(data);
        if (data is null) throw DatasetErrors.InputData($"The sample has no data for input '{name}' (input {index}).", name);

        if (data is Array direct && direct.Rank == 1 && direct.GetType().GetElementType() == elementType)
        {
            CheckLength(input, direct.LongLength);
            return direct;
        }

        if (data is Array plain && IsPlainArray(plain) && plain.Rank == 1)
        {
            CheckLength(input, plain.LongLength);
            return FromDoubles(ToDoubles(plain), input);
        }

        long count = ShellObject.LeafCount(data);
        CheckLength(input, count);
        var result = Array.CreateInstance(elementType, count);
        long k = 0;
        foreach (object? leaf in Leaves(data))
        {
            SetElement(result, k, leaf, input, k);
            k++;
        }

        return result;
    }

    /// <summary>
    /// Converts a sample without knowing the model: typed arrays are kept, lists of numbers become float32 arrays.
    /// A flat list of numbers is one input's data; a list of lists holds one entry per input.
    /// </summary>
    public static Array[] ConvertUntyped(object sample)
    {
        object? value = ShellObject.Unwrap(sample);
        switch (value)
        {
            case null:
                throw DatasetErrors.InputData("The sample is empty ($null).");
            case IDictionary:
                throw DatasetErrors.InputData("A hashtable sample needs the model's input names; give the model too.");
            case Array[] arrays when arrays.All(IsPlainArray):
                return arrays;
        }

        if (IsPlainArray(value) || ShellObject.Depth(value) <= 1) return [Untyped(value)];
        return ShellObject.Items((IEnumerable)value).Select(Untyped).ToArray();
    }

    private static Array Untyped(object? data)
    {
        data = ShellObject.Unwrap(data);
        if (data is Array a && IsPlainArray(a) && a.Rank == 1) return a;
        long count = ShellObject.LeafCount(data);
        var input = ("input", new[] { (int)Math.Min(count, int.MaxValue) }, TensorType.Float32);
        return ConvertInput(data, input);
    }

    private static object?[] FromDictionary(IDictionary dictionary, IReadOnlyList<(string Name, int[] Shape, TensorType Type)> inputs)
    {
        var parts = new object?[inputs.Count];
        var given = new bool[inputs.Count];
        foreach (DictionaryEntry entry in dictionary)
        {
            object? key = ShellObject.Unwrap(entry.Key);
            int index = key switch
            {
                int i => i,
                long l when l is >= 0 and <= int.MaxValue => (int)l,
                _ => FindInput(key?.ToString() ?? "", inputs),
            };
            if (index < 0 || index >= inputs.Count) throw DatasetErrors.InputNotFound(key?.ToString() ?? "", inputs.Select(x => x.Name));
            if (given[index]) throw DatasetErrors.InputData($"The hashtable gives input '{inputs[index].Name}' twice.", inputs[index].Name);
            given[index] = true;
            parts[index] = entry.Value;
        }

        int missing = Array.IndexOf(given, false);
        if (missing >= 0)
        {
            throw DatasetErrors.InputData(
                $"The hashtable has no value for input '{inputs[missing].Name}' (input {missing}); the model's inputs are {Names(inputs)}.", inputs[missing].Name);
        }

        return parts;
    }

    private static int FindInput(string key, IReadOnlyList<(string Name, int[] Shape, TensorType Type)> inputs)
    {
        static string Bare(string s) => s.EndsWith(":0", StringComparison.Ordinal) ? s[..^2] : s;
        for (int pass = 0; pass < 3; pass++)
        {
            for (int i = 0; i < inputs.Count; i++)
            {
                string name = inputs[i].Name;
                bool match = pass switch
                {
                    0 => string.Equals(name, key, StringComparison.Ordinal),
                    1 => string.Equals(name, key, StringComparison.OrdinalIgnoreCase),
                    _ => string.Equals(Bare(name), Bare(key), StringComparison.OrdinalIgnoreCase),
                };
                if (match) return i;
            }
        }

        throw DatasetErrors.InputNotFound(key, inputs.Select(x => x.Name));
    }

    private static void CheckLength((string Name, int[] Shape, TensorType Type) input, long count)
    {
        if (InputSpec.Fits(input.Shape, count)) return;
        string need = InputSpec.IsDynamic(input.Shape)
            ? $"a positive multiple of {InputSpec.Length(input.Shape):N0} values"
            : $"{InputSpec.Length(input.Shape):N0} values";
        throw DatasetErrors.InputData(
            $"Input '{input.Name}' ({TensorTypeInfo.ShortName(input.Type)}{ValueConverter.Format(input.Shape)}) needs {need}; the sample gives {count:N0}.",
            input.Name);
    }

    private static IEnumerable<object?> Leaves(object? data)
    {
        data = ShellObject.Unwrap(data);
        if (ShellObject.IsList(data))
        {
            foreach (object? item in (IEnumerable)data!)
            {
                foreach (object? leaf in Leaves(item)) yield return leaf;
            }
        }
        else
        {
            yield return data;
        }
    }

    private static bool IsPlainArray(object? value)
        => value is Array a && a.GetType().GetElementType() is { } t && ValueConverter.TensorTypeOf(t) is not null;

    private static void SetElement(Array target, long position, object? leaf, (string Name, int[] Shape, TensorType Type) input, long k)
    {
        if (!TryNumber(leaf, out double v, out long? exact))
        {
            throw Invalid(input, k, leaf, "is not a number");
        }

        switch (input.Type)
        {
            case TensorType.Float32: target.SetValue((float)v, position); return;
            case TensorType.Float64: target.SetValue(v, position); return;
            case TensorType.Float16: target.SetValue((Half)v, position); return;
            case TensorType.Bool:
                if (v is not (0 or 1)) throw Invalid(input, k, leaf, "is not a bool (0, 1, $true or $false)");
                target.SetValue(v == 1, position);
                return;
        }

        if (double.IsNaN(v) || v != Math.Floor(v)) throw Invalid(input, k, leaf, "is not a whole number");
        (decimal min, decimal max) = input.Type switch
        {
            TensorType.Int8 => ((decimal)sbyte.MinValue, (decimal)sbyte.MaxValue),
            TensorType.UInt8 => (byte.MinValue, byte.MaxValue),
            TensorType.Int16 => (short.MinValue, short.MaxValue),
            TensorType.UInt16 => (ushort.MinValue, ushort.MaxValue),
            TensorType.Int32 => (int.MinValue, int.MaxValue),
            TensorType.UInt32 => (uint.MinValue, uint.MaxValue),
            TensorType.Int64 => (long.MinValue, long.MaxValue),
            _ => ((decimal)ulong.MinValue, (decimal)ulong.MaxValue),
        };
        decimal d = exact ?? (leaf is ulong u ? u : (decimal)v);
        if (d < min || d > max) throw Invalid(input, k, leaf, $"is outside the {TensorTypeInfo.ShortName(input.Type)} range {min}..{max}");
        object boxed = input.Type switch
        {
            TensorType.Int8 => (sbyte)d,
            TensorType.UInt8 => (byte)d,
            TensorType.Int16 => (short)d,
            TensorType.UInt16 => (ushort)d,
            TensorType.Int32 => (int)d,
            TensorType.UInt32 => (uint)d,
            TensorType.Int64 => (long)d,
            _ => (ulong)d,
        };
        target.SetValue(boxed, position);
    }

    private static double[] ToDoubles(Array source)
    {
        var d = new double[source.Length];
        switch (source)
        {
            case float[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case double[] a: a.CopyTo(d, 0); break;
            case Half[] a: for (int i = 0; i < a.Length; i++) d[i] = (double)a[i]; break;
            case sbyte[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case byte[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case short[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case ushort[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case int[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case uint[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case long[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case ulong[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i]; break;
            case bool[] a: for (int i = 0; i < a.Length; i++) d[i] = a[i] ? 1 : 0; break;
        }

        return d;
    }

    /// <summary>Typed conversion of doubles: floats as they are, integers checked whole and in range.</summary>
    private static Array FromDoubles(double[] values, (string Name, int[] Shape, TensorType Type) input)
    {
        switch (input.Type)
        {
            case TensorType.Float32:
            {
                var a = new float[values.Length];
                for (int i = 0; i < a.Length; i++) a[i] = (float)values[i];
                return a;
            }
            case TensorType.Float64:
                return values;
            case TensorType.Float16:
            {
                var a = new Half[values.Length];
                for (int i = 0; i < a.Length; i++) a[i] = (Half)values[i];
                return a;
            }
        }

        var result = Array.CreateInstance(ValueConverter.ElementType(input.Type)!, values.Length);
        for (int i = 0; i < values.Length; i++) SetElement(result, i, values[i], input, i);
        return result;
    }

    private static bool TryNumber(object? leaf, out double value, out long? exact)
    {
        exact = null;
        switch (ShellObject.Unwrap(leaf))
        {
            case double d: value = d; return true;
            case float f: value = f; return true;
            case Half h: value = (double)h; return true;
            case int i: value = i; return true;
            case long l: value = l; exact = l; return true;
            case short s: value = s; return true;
            case sbyte sb: value = sb; return true;
            case byte b: value = b; return true;
            case ushort us: value = us; return true;
            case uint ui: value = ui; return true;
            case ulong ul: value = ul; return true;
            case decimal m: value = (double)m; return true;
            case bool bo: value = bo ? 1 : 0; return true;
            case string str:
                if (long.TryParse(str, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsedLong))
                {
                    value = parsedLong;
                    exact = parsedLong;
                    return true;
                }

                return double.TryParse(str, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            default:
                value = 0;
                return false;
        }
    }

    private static Core.Errors.ModelOptimizationException Invalid((string Name, int[] Shape, TensorType Type) input, long k, object? leaf, string what)
        => DatasetErrors.InputData(
            $"Input '{input.Name}' ({TensorTypeInfo.ShortName(input.Type)}{ValueConverter.Format(input.Shape)}) element {k}: "
            + $"'{leaf ?? "$null"}' {what}.", input.Name);

    private static string Names(IReadOnlyList<(string Name, int[] Shape, TensorType Type)> inputs)
        => string.Join(", ", inputs.Select(i => $"'{i.Name}' {TensorTypeInfo.ShortName(i.Type)}{ValueConverter.Format(i.Shape)}"));
}
