using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// A tensor as the interpreter sees it: its current shape, type, quantization and where its bytes live
/// (a constant view, an arena slot or an owned buffer).
/// </summary>
internal sealed class RuntimeTensor
{
    private byte[]? _owned;

    public RuntimeTensor(int index, Tensor source, ReadOnlyMemory<byte> constant)
    {
        Index = index;
        Source = source;
        Name = source.Name ?? $"tensor_{index}";
        Type = source.Type;
        Shape = source.Shape.ToArray();
        Quantization = source.Quantization;
        Sparsity = source.Sparsity;
        if (Quantization is { Scale: { Length: > 0 } s })
        {
            Scale = s[0];
            ZeroPoint = Quantization.ZeroPoint is { Length: > 0 } z ? (int)z[0] : 0;
        }

        if (source.IsVariable)
        {
            Storage = TensorStorage.Variable;
            InitialValue = constant;
        }
        else if (!constant.IsEmpty)
        {
            Storage = TensorStorage.Constant;
            ConstantBytes = constant;
        }
    }

    public int Index { get; }

    public Tensor Source { get; }

    public string Name { get; }

    public TensorType Type { get; }

    /// <summary>The current shape (may differ from the model's after shape inference).</summary>
    public int[] Shape { get; set; }

    public QuantizationParameters? Quantization { get; }

    public SparsityParameters? Sparsity { get; }

    /// <summary>For a resource tensor produced by VAR_HANDLE: the variable it names (container/shared_name).</summary>
    public string? ResourceKey { get; set; }

    /// <summary>The (first) scale, 0 when not quantized.</summary>
    public float Scale { get; }

    /// <summary>The (first) zero point.</summary>
    public int ZeroPoint { get; }

    public bool IsQuantized => Quantization is { IsQuantized: true };

    public TensorStorage Storage { get; set; }

    /// <summary>The bytes of a constant tensor.</summary>
    public ReadOnlyMemory<byte> ConstantBytes { get; private set; }

    /// <summary>Initial value of a variable tensor (empty = zeros).</summary>
    public ReadOnlyMemory<byte> InitialValue { get; }

    public byte[]? Arena { get; set; }

    public int ArenaOffset { get; set; }

    public int Rank => Shape.Length;

    public int Dim(int i) => Shape[i < 0 ? Shape.Length + i : i];

    public int ElementCount => ShapeUtil.ElementCount(Shape);

    public int ByteCount => ByteCountFor(Type, ElementCount);

    /// <summary>True when the value is known before invoke (constant or computed in prepare).</summary>
    public bool IsConstantValue => Storage is TensorStorage.Constant or TensorStorage.Persistent;

    /// <summary>Bytes per element for whole-byte types (1 for sub-byte types).</summary>
    public int ElementSize => ElementSizeOf(Type);

    public static int ElementSizeOf(TensorType type) => Math.Max(1, TensorTypeInfo.BitWidth(type) / 8);

    public static int ByteCountFor(TensorType type, int elements)
    {
        long bytes = TensorTypeInfo.ByteCount(type, elements);
        return bytes < 0 ? 0 : checked((int)bytes);
    }

    public ReadOnlySpan<byte> Bytes => Storage switch
    {
        TensorStorage.Constant => ConstantBytes.Span,
        TensorStorage.Arena => Arena.AsSpan(ArenaOffset, ByteCount),
        TensorStorage.None => ReadOnlySpan<byte>.Empty,
        _ => _owned.AsSpan(0, Math.Min(ByteCount, _owned?.Length ?? 0)),
    };

    public Span<byte> WritableBytes => Storage switch
    {
        TensorStorage.Arena => Arena.AsSpan(ArenaOffset, ByteCount),
        TensorStorage.Persistent or TensorStorage.Dynamic or TensorStorage.Variable => _owned.AsSpan(0, ByteCount),
        TensorStorage.None when ByteCount == 0 => Span<byte>.Empty,
        _ => throw new InvalidOperationException($"Tensor '{Name}' ({Storage}) is not writable."),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<T> Read<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Write<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(WritableBytes);

    /// <summary>Makes an owned buffer large enough for the current shape.</summary>
    public void EnsureOwned()
    {
        int need = ByteCount;
        if (_owned is null || _owned.Length < need) _owned = new byte[Math.Max(need, 1)];
    }

    /// <summary>Replaces a constant's bytes (e.g. densified weights).</summary>
    public void SetConstant(ReadOnlyMemory<byte> bytes)
    {
        Storage = TensorStorage.Constant;
        ConstantBytes = bytes;
    }

    /// <summary>Owned buffer size (for memory accounting).</summary>
    public long OwnedBytes => _owned?.Length ?? 0;

    /// <summary>Resets a variable tensor to its initial value.</summary>
    public void ResetVariable()
    {
        EnsureOwned();
        var dst = _owned.AsSpan(0, ByteCount);
        dst.Clear();
        if (!InitialValue.IsEmpty) InitialValue.Span[..Math.Min(InitialValue.Length, dst.Length)].CopyTo(dst);
    }

    public override string ToString() => $"{Name} {Type}[{string.Join(",", Shape)}] {Storage}";
}
