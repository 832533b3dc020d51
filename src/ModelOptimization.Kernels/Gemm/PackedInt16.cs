using System.Buffers;

namespace ModelOptimization.Kernels.Gemm;

/// <summary>Weights packed per call into pooled memory (the span overloads); returned on Dispose.</summary>
internal readonly struct PackedInt16 : IDisposable
{
    private readonly short[] _array;
    private readonly int _length;

    private PackedInt16(short[] array, int length, int panelWidth)
    {
        _array = array;
        _length = length;
        PanelWidth = panelWidth;
    }

    internal int PanelWidth { get; }

    internal ReadOnlySpan<short> Span => _array.AsSpan(0, _length);

    internal static PackedInt16 Int8(ReadOnlySpan<sbyte> weights, int n, int k)
    {
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        int length = Int16Gemm.PackedLength(n, k, nr);
        short[] array = ArrayPool<short>.Shared.Rent(Math.Max(1, length));
        Int16Gemm.PackInt8(weights, n, k, nr, array);
        return new PackedInt16(array, length, nr);
    }

    internal static PackedInt16 UInt8(ReadOnlySpan<byte> weights, int zeroPoint, int n, int k)
    {
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        int length = Int16Gemm.PackedLength(n, k, nr);
        short[] array = ArrayPool<short>.Shared.Rent(Math.Max(1, length));
        Int16Gemm.PackUInt8(weights, zeroPoint, n, k, nr, array);
        return new PackedInt16(array, length, nr);
    }

    public void Dispose() => ArrayPool<short>.Shared.Return(_array);
}
