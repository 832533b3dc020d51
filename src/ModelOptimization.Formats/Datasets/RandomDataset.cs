using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Random samples for a model's inputs, as TFLite's benchmark_model makes them: float inputs uniform in
/// [-0.5, 0.5), int8/uint8/int16 uniform over their whole range, int32/int64 (often indices) uniform in [0, 99],
/// bool 0/1. The same seed gives the same samples.
/// </summary>
public sealed class RandomDataset : IDataset
{
    private readonly IReadOnlyList<(string Name, int[] Shape, TensorType Type)> _inputs;
    private readonly int _seed;

    public RandomDataset(IReadOnlyList<(string Name, int[] Shape, TensorType Type)> inputs, int count = 1, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        foreach (var input in inputs)
        {
            if (ValueConverter.ElementType(input.Type) is null)
            {
                throw DatasetErrors.InputData($"Input '{input.Name}' is {TensorTypeInfo.ShortName(input.Type)}; random data cannot be made for it.", input.Name);
            }
        }

        _inputs = inputs;
        _seed = seed;
        Count = count;
    }

    public string Name => "random";

    public int? Count { get; }

    public IReadOnlyList<int>? Labels => null;

    public IEnumerable<Array[]> GetSamples(CancellationToken cancellationToken = default)
    {
        var random = new Random(_seed);
        for (int s = 0; s < Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sample = new Array[_inputs.Count];
            for (int i = 0; i < _inputs.Count; i++) sample[i] = Fill(_inputs[i].Type, (int)InputSpec.Length(_inputs[i].Shape), random);
            yield return sample;
        }
    }

    /// <summary>One random array of <paramref name="type"/> with <paramref name="length"/> values.</summary>
    public static Array Fill(TensorType type, int length, Random random)
    {
        switch (type)
        {
            case TensorType.Float32:
            {
                var a = new float[length];
                for (int i = 0; i < length; i++) a[i] = (float)(random.NextDouble() - 0.5);
                return a;
            }
            case TensorType.Float64:
            {
                var a = new double[length];
                for (int i = 0; i < length; i++) a[i] = random.NextDouble() - 0.5;
                return a;
            }
            case TensorType.Float16:
            {
                var a = new Half[length];
                for (int i = 0; i < length; i++) a[i] = (Half)(random.NextDouble() - 0.5);
                return a;
            }
            case TensorType.Int8:
            {
                var a = new sbyte[length];
                for (int i = 0; i < length; i++) a[i] = (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
                return a;
            }
            case TensorType.UInt8:
            {
                var a = new byte[length];
                random.NextBytes(a);
                return a;
            }
            case TensorType.Int16:
            {
                var a = new short[length];
                for (int i = 0; i < length; i++) a[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
                return a;
            }
            case TensorType.UInt16:
            {
                var a = new ushort[length];
                for (int i = 0; i < length; i++) a[i] = (ushort)random.Next(0, ushort.MaxValue + 1);
                return a;
            }
            case TensorType.Int32:
            {
                var a = new int[length];
                for (int i = 0; i < length; i++) a[i] = random.Next(0, 100);
                return a;
            }
            case TensorType.UInt32:
            {
                var a = new uint[length];
                for (int i = 0; i < length; i++) a[i] = (uint)random.Next(0, 100);
                return a;
            }
            case TensorType.Int64:
            {
                var a = new long[length];
                for (int i = 0; i < length; i++) a[i] = random.Next(0, 100);
                return a;
            }
            case TensorType.UInt64:
            {
                var a = new ulong[length];
                for (int i = 0; i < length; i++) a[i] = (ulong)random.Next(0, 100);
                return a;
            }
            case TensorType.Bool:
            {
                var a = new bool[length];
                for (int i = 0; i < length; i++) a[i] = random.Next(2) == 1;
                return a;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "No random data for this type.");
        }
    }

    public override string ToString() => $"random ({Count} samples)";
}
