using System.Numerics.Tensors;
using Tensor = ModelOptimization.Core.Graph.Tensor;
using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization.Codecs;

namespace ModelOptimization.Optimization.Quantization;

internal sealed partial class SubgraphQuantizer
{
    private readonly Dictionary<int, ReadOnlyMemory<float>> _floatViews = [];
    private readonly Dictionary<(int Tensor, WeightSpec Spec), QuantizedWeight> _weights = [];

    /// <summary>
    /// True when <paramref name="t"/> is a float32 output of a DEQUANTIZE whose input is a constant (a float16 or
    /// int8 weight of an already-compressed model): it folds to a float constant.
    /// </summary>
    public bool IsFoldableConstant(int t)
    {
        if (t < 0 || t >= _originalTensorCount || Graph.Tensors[t].Type != TensorType.Float32) return false;
        int p = _producer[t];
        if (p < 0 || OpCode(p) != BuiltinOperator.DEQUANTIZE) return false;
        int src = Graph.Operators[p].Inputs.Length > 0 ? Graph.Operators[p].Inputs[0] : -1;
        if (src < 0) return false;
        var st = Graph.Tensors[src];
        return Model.IsConstant(st) && st.Sparsity is null && st.Type switch
        {
            TensorType.Float16 or TensorType.BFloat16 => true,
            TensorType.Int8 => st.Quantization is { Granularity: QuantizationGranularity.PerTensor or QuantizationGranularity.PerChannel },
            _ => false,
        };
    }

    /// <summary>The values of a float constant (a view of its buffer, or the folded DEQUANTIZE), or null.</summary>
    public ReadOnlyMemory<float>? ConstantFloatMemory(int t)
    {
        if (_floatViews.TryGetValue(t, out var cached)) return cached;
        var tensor = Graph.Tensors[t];
        ReadOnlyMemory<float> result;
        if (tensor.Type == TensorType.Float32 && Model.IsConstant(tensor) && tensor.Sparsity is null)
        {
            var bytes = Model.DataOf(tensor);
            if (bytes.Length != tensor.ElementCount * 4) return null;
            result = CastMemoryManager<float>.Cast(bytes);
        }
        else if (IsFoldableConstant(t))
        {
            var src = Graph.Tensors[Graph.Operators[_producer[t]].Inputs[0]];
            result = Dequantize(src);
        }
        else
        {
            return null;
        }

        _floatViews[t] = result;
        return result;
    }

    /// <summary>The values of a float constant as an array (copies; for small tensors), or null.</summary>
    public float[]? ConstantFloats(int t) => ConstantFloatMemory(t)?.ToArray();

    private float[] Dequantize(Tensor src)
    {
        var bytes = Model.DataOf(src).Span;
        int n = checked((int)src.ElementCount);
        var r = new float[n];
        switch (src.Type)
        {
            case TensorType.Float16:
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(bytes)[..n], r);
                break;
            case TensorType.BFloat16:
                var u = MemoryMarshal.Cast<byte, ushort>(bytes);
                for (int i = 0; i < n; i++) r[i] = WeightEncoder.FromBFloat16(u[i]);
                break;
            default:
                var q = src.Quantization!;
                var s = MemoryMarshal.Cast<byte, sbyte>(bytes);
                int channels = q.Scale!.Length, axis = q.QuantizedDimension, inner = 1;
                if (channels > 1) for (int d = axis + 1; d < src.Shape.Length; d++) inner *= src.Shape[d];
                for (int i = 0; i < n; i++)
                {
                    int c = channels > 1 ? i / inner % channels : 0;
                    long zp = q.ZeroPoint is { Length: > 0 } z ? z[Math.Min(c, z.Length - 1)] : 0;
                    r[i] = q.Scale[c] * (s[i] - zp);
                }

                break;
        }

        return r;
    }

    /// <summary>
    /// True when every value of the constant is finite (weights with NaN/Inf stay float). Computed from the
    /// largest magnitude per slice of axis 0 (NaN and infinity propagate into it), which is cached: per-channel
    /// weight scales along axis 0 reuse it, so a large weight is read once for both.
    /// </summary>
    public bool IsFinite(int t)
    {
        try
        {
            return AbsMax(t, 0) is not null;
        }
        catch (NonFiniteWeightsException)
        {
            return false;
        }
    }

    private readonly Dictionary<(int Tensor, int Axis), float[]?> _absMax = [];

    /// <summary>The largest magnitude per slice along <paramref name="axis"/> (cached), or null for a non-constant.</summary>
    private float[]? AbsMax(int t, int axis)
    {
        if (_absMax.TryGetValue((t, axis), out var cached))
        {
            if (cached is not null && cached.Any(m => !float.IsFinite(m))) throw new NonFiniteWeightsException(Graph.Tensors[t].Name);
            return cached;
        }

        var data = ConstantFloatMemory(t);
        float[]? result = null;
        if (data is not null)
        {
            var shape = Graph.Tensors[t].Shape;
            var (outer, channels, inner) = shape.Length == 0 ? (1, 1, data.Value.Length) : Layout(shape, Math.Clamp(axis, 0, shape.Length - 1));
            result = new float[channels];
            if (data.Value.Length > 0) WeightEncoder.AbsMaxPerChannelParallel(data.Value, outer, channels, inner, result);
        }

        _absMax[(t, axis)] = result;
        if (result is not null && result.Any(m => !float.IsFinite(m))) throw new NonFiniteWeightsException(Graph.Tensors[t].Name);
        return result;
    }

    private static (int Outer, int Channels, int Inner) Layout(int[] shape, int axis)
    {
        if (shape.Length == 0) return (1, 1, 1);
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < shape.Length; d++) inner *= shape[d];
        return (outer, shape[axis], inner);
    }

    /// <summary>
    /// The symmetric scales of a weight: one per channel along <see cref="WeightSpec.Axis"/>, one for per-tensor,
    /// or one per block (row-major [channels, blocks]) for blockwise.
    /// </summary>
    public float[] WeightScales(int t, WeightSpec spec)
    {
        var data = ConstantFloatMemory(t) ?? throw new InvalidOperationException($"Tensor {t} is not a float constant.");
        var shape = Graph.Tensors[t].Shape;
        if (spec.Granularity == WeightGranularity.PerTensor || shape.Length == 0)
        {
            float m = data.Length == 0 ? 0 : AbsMax(t, 0)!.Max();
            return [QuantizationMath.SymmetricScale(m, spec.QMax)];
        }

        if (spec.Granularity == WeightGranularity.Blockwise)
        {
            var (rows, cols) = BlockLayout(shape, spec);
            int blocks = cols / spec.BlockSize;
            var scales = new float[rows * blocks];
            WeightEncoder.ForRanges(rows, data.Length, (r0, r1) =>
            {
                var span = data.Span;
                for (int r = r0; r < r1; r++)
                {
                    for (int b = 0; b < blocks; b++)
                    {
                        float m = Math.Abs(TensorPrimitives.MaxMagnitude(span.Slice(r * cols + b * spec.BlockSize, spec.BlockSize)));
                        // AI Edge Quantizer stores blockwise scales as float16 rounded through bfloat16 (7-bit mantissa).
                        float s = QuantizationMath.SymmetricScale(m, spec.QMax);
                        scales[r * blocks + b] = (float)(Half)WeightEncoder.FromBFloat16(WeightEncoder.ToBFloat16(s));
                    }
                }
            });

            return scales;
        }

        var absMax = AbsMax(t, spec.Axis)!;
        int channels = absMax.Length;
        var result = new float[channels];
        for (int c = 0; c < channels; c++) result[c] = QuantizationMath.SymmetricScale(absMax[c], spec.QMax);
        return result;
    }

    /// <summary>Blockwise weights are [channels, columns] with blocks along the columns (the last axis).</summary>
    private static (int Rows, int Cols) BlockLayout(int[] shape, WeightSpec spec)
    {
        int cols = shape[^1], rows = 1;
        for (int d = 0; d < shape.Length - 1; d++) rows *= shape[d];
        return (rows, cols);
    }

    /// <summary>True when the tensor can be quantized blockwise with the block size (rank 2, last axis divisible).</summary>
    public bool SupportsBlockwise(int t, int blockSize)
    {
        var shape = Graph.Tensors[t].Shape;
        return shape.Length == 2 && shape[1] % blockSize == 0 && shape[1] >= blockSize;
    }

    /// <summary>
    /// Widens weight scales where a bias channel would not fit int32 at scale = input scale × weight scale
    /// (TFLite's AdjustWeightsForBiasScale). Only for 32-bit biases.
    /// </summary>
    public void AdjustScalesForBias(int bias, float inputScale, float[] scales, int biasBits)
    {
        if (bias < 0 || biasBits != 32) return;
        var b = ConstantFloats(bias);
        if (b is null) return;
        const double limit = int.MaxValue;
        for (int c = 0; c < b.Length; c++)
        {
            int sc = scales.Length == 1 ? 0 : c;
            if (sc >= scales.Length) break;
            double needed = Math.Abs((double)b[c]) / ((double)inputScale * limit);
            if (needed > scales[sc]) scales[sc] = (float)(needed * 1.001);
        }
    }

    /// <summary>
    /// Replaces input <paramref name="slot"/> of <paramref name="op"/> (a float constant) by its quantized form.
    /// Shared weights with the same spec and scales are quantized once.
    /// </summary>
    public QuantizedWeight ReplaceWeight(int op, int slot, WeightSpec spec, float[]? scales = null)
    {
        int t = Input(op, slot);
        if (AdaptiveHessian(op, slot, spec) is { } hessian) return ReplaceWeightAdaptive(op, slot, spec, scales ?? WeightScales(t, spec), hessian);
        if (!_weights.ContainsKey((t, spec)) && _run.SharedWeights.TryGetValue((Graph.Tensors[t].Buffer, spec), out var shared)
            && (scales is null || shared.Scales.AsSpan().SequenceEqual(scales)))
        {
            return UseSharedWeight(op, slot, spec, shared);
        }

        if (scales is null && spec is { Type: TensorType.Int8, Granularity: WeightGranularity.PerChannel, Axis: 0 }
            && Graph.Tensors[t].Shape.Length > 0 && !_weights.ContainsKey((t, spec)) && !_absMax.ContainsKey((t, 0)))
        {
            return ReplaceWeightFused(op, slot, spec);
        }

        scales ??= WeightScales(t, spec);
        if (TryShareWeight(op, slot, t, spec, scales) is { } reused) return reused;

        var orig = Graph.Tensors[t];
        var data = ConstantFloatMemory(t)!.Value;
        var shape = orig.Shape;
        int n = data.Length;
        // int8 values are written straight into the buffer's bytes; int4 values go through a temporary and are packed.
        byte[]? direct = spec.Type == TensorType.Int8 ? GC.AllocateUninitializedArray<byte>(n) : null;
        // Blockwise int4 rows (an even number of values) are quantized into a row buffer and packed at once.
        bool packRows = spec.Type == TensorType.Int4 && spec.Granularity == WeightGranularity.Blockwise;
        byte[]? packed = packRows ? GC.AllocateUninitializedArray<byte>((n + 1) / 2) : null;
        var qMemory = direct is not null ? new CastMemoryManager<sbyte>(direct).Memory : packRows ? Memory<sbyte>.Empty : new sbyte[n];
        var inv = scales.Select(s => 1f / s).ToArray();
        QuantizationParameters parameters;
        int nt;
        if (spec.Granularity == WeightGranularity.Blockwise)
        {
            var (rows, cols) = BlockLayout(shape, spec);
            int blocks = cols / spec.BlockSize;
            WeightEncoder.ForRanges(rows, n, (r0, r1) =>
            {
                var span = data.Span;
                var row = packRows ? new sbyte[cols] : null;
                for (int r = r0; r < r1; r++)
                {
                    var qs = packRows ? row.AsSpan() : qMemory.Span.Slice(r * cols, cols);
                    for (int b = 0; b < blocks; b++)
                    {
                        int off = b * spec.BlockSize;
                        WeightEncoder.QuantizeRowEven(span.Slice(r * cols + off, spec.BlockSize), inv[r * blocks + b], spec.QMin, spec.QMax, qs.Slice(off, spec.BlockSize));
                    }

                    if (packRows) WeightEncoder.PackInt4(row, packed.AsSpan(r * cols / 2, cols / 2));
                }
            });

            var scaleBytes = new byte[scales.Length * 2];
            WeightEncoder.ToFloat16(scales, scaleBytes);
            int scaleTensor = AddTensor(new Tensor
            {
                Name = UniqueName(orig.Name, "scale"),
                Type = TensorType.Float16,
                Shape = [rows, blocks],
                HasRank = true,
                Buffer = Model.AddBuffer(scaleBytes),
            });
            parameters = new QuantizationParameters { Details = new BlockwiseQuantization(scaleTensor, -1, spec.BlockSize), QuantizedDimension = 0 };
        }
        else
        {
            var (outer, channels, inner) = spec.Granularity == WeightGranularity.PerTensor || shape.Length == 0
                ? (1, 1, n)
                : Layout(shape, spec.Axis);
            if (spec.Type == TensorType.Int4)
            {
                var span = data.Span;
                for (int o = 0; o < outer; o++)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        var q = qMemory.Span;
                        if (inner == 1)
                        {
                            int i = o * channels + c;
                            q[i] = (sbyte)Math.Clamp(MathF.Round(span[i] * inv[c], MidpointRounding.ToEven), spec.QMin, spec.QMax);
                        }
                        else
                        {
                            int off = (o * channels + c) * inner;
                            WeightEncoder.QuantizeRowEven(span.Slice(off, inner), inv[c], spec.QMin, spec.QMax, q.Slice(off, inner));
                        }
                    }
                }
            }
            else
            {
                WeightEncoder.QuantizeSymmetric(data, outer, channels, inner, inv, spec.QMax, qMemory);
            }

            parameters = scales.Length == 1
                ? QuantizationParameters.PerTensor(scales[0], 0)
                : QuantizationParameters.PerChannel(scales, new long[scales.Length], spec.Axis);
        }

        byte[] bytes;
        if (packed is not null)
        {
            bytes = packed;
        }
        else if (direct is null)
        {
            bytes = new byte[(n + 1) / 2];
            WeightEncoder.PackInt4Parallel(qMemory, bytes);
        }
        else
        {
            bytes = direct;
        }

        nt = AddTensor(new Tensor
        {
            Name = orig.Name,
            Type = spec.Type,
            Shape = shape.ToArray(),
            ShapeSignature = orig.ShapeSignature?.ToArray(),
            HasRank = orig.HasRank || shape.Length > 0,
            Buffer = Model.AddBuffer(bytes),
            Quantization = parameters,
        });
        Note($"{TensorTypeInfo.ShortName(spec.Type)} weights " + spec.Granularity switch
        {
            WeightGranularity.Blockwise => $"blockwise {spec.BlockSize}",
            WeightGranularity.PerTensor => "per tensor",
            _ => scales.Length == 1 ? "per tensor" : "per channel",
        });
        var result = new QuantizedWeight(nt, scales, spec.Axis);
        _weights[(t, spec)] = result;
        Share(t, spec, nt, scales);
        Op(op).Inputs[slot] = nt;
        return result;
    }

    /// <summary>
    /// The input Hessian to round weight <paramref name="slot"/> of <paramref name="op"/> with, when
    /// <see cref="WeightRounding.Adaptive"/> is asked for and calibration summed one that fits the weight's layout
    /// (per channel or per tensor); otherwise null (nearest rounding).
    /// </summary>
    private LayerHessian? AdaptiveHessian(int op, int slot, WeightSpec spec)
    {
        if (Options.WeightRounding != WeightRounding.Adaptive || slot != 1 || spec.Granularity == WeightGranularity.Blockwise) return null;
        if (_run.Hessians?.GetValueOrDefault((SubgraphIndex, op)) is not { } h) return null;
        var shape = Graph.Tensors[Input(op, slot)].Shape;
        if (shape.Length < 2) return null;
        long n = Graph.Tensors[Input(op, slot)].ElementCount;
        if (h.IsDepthwise)
            return spec.Axis == shape.Length - 1 && shape[^1] % h.Channels == 0 && n == (long)h.Columns * shape[^1] ? h : null;
        return spec.Axis == 0 && n == (long)h.Columns * shape[0] ? h : null;
    }

    /// <summary>The weight already quantized with the same spec and scales (another op shares the tensor), rewired into this op.</summary>
    private QuantizedWeight? TryShareWeight(int op, int slot, int t, WeightSpec spec, float[] scales)
    {
        if (!_weights.TryGetValue((t, spec), out var cached) || !cached.Scales.AsSpan().SequenceEqual(scales)) return null;
        Note($"{TensorTypeInfo.ShortName(spec.Type)} weights (shared)");
        Op(op).Inputs[slot] = cached.Tensor;
        return cached;
    }

    /// <summary>
    /// <see cref="WeightRounding.Adaptive"/>: the weight rounded by <see cref="AdaptiveRounding"/> (GPTQ) at the
    /// given scales, rows in parallel (the result does not depend on the thread count).
    /// </summary>
    private QuantizedWeight ReplaceWeightAdaptive(int op, int slot, WeightSpec spec, float[] scales, LayerHessian hessian)
    {
        int t = Input(op, slot);
        if (TryShareWeight(op, slot, t, spec, scales) is { } reused) return reused;

        var orig = Graph.Tensors[t];
        var data = ConstantFloatMemory(t)!.Value;
        var shape = orig.Shape;
        int n = data.Length;
        var q = new sbyte[n];
        int fallbacks = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.Calibration.ThreadCount };
        if (hessian.IsDepthwise)
        {
            int outChannels = shape[^1], multiplier = outChannels / hessian.Channels;
            var rounders = new AdaptiveRounding?[hessian.Channels];
            Parallel.For(0, hessian.Channels, parallel, c => rounders[c] = AdaptiveRounding.Create(hessian.ChannelMatrix(c), hessian.Columns));
            Parallel.For(0, outChannels, parallel, o =>
            {
                float s = scales[scales.Length == 1 ? 0 : o];
                var rounder = rounders[o / multiplier];
                if (rounder is null)
                {
                    Interlocked.Increment(ref fallbacks);
                    rounder = AdaptiveRounding.Identity(hessian.Columns);
                }

                rounder.RoundRow(data.Span[o..], outChannels, s, spec.QMin, spec.QMax, q.AsSpan(o), outChannels);
            });
        }
        else
        {
            int rows = shape[0], cols = hessian.Columns;
            var rounder = AdaptiveRounding.Create(hessian.Values, cols);
            if (rounder is null)
            {
                fallbacks = rows;
                rounder = AdaptiveRounding.Identity(cols);
            }

            Parallel.For(0, rows, parallel, r =>
            {
                float s = scales[scales.Length == 1 ? 0 : r];
                rounder.RoundRow(data.Span.Slice(r * cols, cols), 1, s, spec.QMin, spec.QMax, q.AsSpan(r * cols, cols), 1);
            });
        }

        byte[] bytes;
        if (spec.Type == TensorType.Int4)
        {
            bytes = new byte[(n + 1) / 2];
            WeightEncoder.PackInt4Parallel(q, bytes);
        }
        else
        {
            bytes = new byte[n];
            Buffer.BlockCopy(q, 0, bytes, 0, n);
        }

        int nt = AddTensor(new Tensor
        {
            Name = orig.Name,
            Type = spec.Type,
            Shape = shape.ToArray(),
            ShapeSignature = orig.ShapeSignature?.ToArray(),
            HasRank = true,
            Buffer = Model.AddBuffer(bytes),
            Quantization = scales.Length == 1
                ? QuantizationParameters.PerTensor(scales[0], 0)
                : QuantizationParameters.PerChannel(scales, new long[scales.Length], spec.Axis),
        });
        Note($"{TensorTypeInfo.ShortName(spec.Type)} weights {(scales.Length == 1 ? "per tensor" : "per channel")}, adaptive rounding"
            + (fallbacks > 0 ? $" ({fallbacks} channel(s) to nearest: singular Hessian)" : ""));
        var result = new QuantizedWeight(nt, scales, spec.Axis);
        _weights[(t, spec)] = result;
        Op(op).Inputs[slot] = nt;
        return result;
    }

    /// <summary>A weight another subgraph already quantized from the same buffer: a new tensor over its buffers.</summary>
    private QuantizedWeight UseSharedWeight(int op, int slot, WeightSpec spec, SharedWeight shared)
    {
        int t = Input(op, slot);
        var orig = Graph.Tensors[t];
        var parameters = shared.Parameters;
        if (parameters.Details is BlockwiseQuantization b)
        {
            int scaleTensor = AddTensor(new Tensor
            {
                Name = UniqueName(orig.Name, "scale"),
                Type = TensorType.Float16,
                Shape = shared.ScaleShape!.ToArray(),
                HasRank = true,
                Buffer = shared.ScaleBuffer,
            });
            parameters = new QuantizationParameters { Details = b with { Scales = scaleTensor }, QuantizedDimension = parameters.QuantizedDimension };
        }

        int nt = AddTensor(new Tensor
        {
            Name = orig.Name,
            Type = spec.Type,
            Shape = orig.Shape.ToArray(),
            ShapeSignature = orig.ShapeSignature?.ToArray(),
            HasRank = orig.HasRank || orig.Shape.Length > 0,
            Buffer = shared.Buffer,
            Quantization = parameters,
        });
        Note($"{TensorTypeInfo.ShortName(spec.Type)} weights (shared with another subgraph)");
        var result = new QuantizedWeight(nt, shared.Scales, spec.Axis);
        _weights[(t, spec)] = result;
        Op(op).Inputs[slot] = nt;
        return result;
    }

    /// <summary>Records a quantized weight so other subgraphs reading the same float buffer reuse it.</summary>
    private void Share(int source, WeightSpec spec, int quantized, float[] scales)
    {
        var q = Graph.Tensors[quantized];
        uint scaleBuffer = 0;
        int[]? scaleShape = null;
        if (q.Quantization?.Details is BlockwiseQuantization b)
        {
            scaleBuffer = Graph.Tensors[b.Scales].Buffer;
            scaleShape = Graph.Tensors[b.Scales].Shape.ToArray();
        }

        _run.SharedWeights.TryAdd((Graph.Tensors[source].Buffer, spec), new SharedWeight(q.Buffer, q.Quantization!, scales, scaleBuffer, scaleShape));
    }

    /// <summary>
    /// Int8 weights per channel of axis 0 (rows contiguous): scale and quantization in one pass over the weight
    /// (<see cref="WeightEncoder.QuantizeRowsSymmetric"/>). Throws <see cref="NonFiniteWeightsException"/> before
    /// changing the graph when the weight holds NaN or infinity.
    /// </summary>
    private QuantizedWeight ReplaceWeightFused(int op, int slot, WeightSpec spec)
    {
        int t = Input(op, slot);
        var orig = Graph.Tensors[t];
        var data = ConstantFloatMemory(t)!.Value;
        int rows = orig.Shape[0], cols = rows == 0 ? 0 : data.Length / rows;
        var scales = new float[rows];
        var bytes = GC.AllocateUninitializedArray<byte>(data.Length);
        if (!WeightEncoder.QuantizeRowsSymmetric(data, rows, cols, spec.QMax, QuantizationMath.MinRangeWidth, scales, new CastMemoryManager<sbyte>(bytes).Memory))
            throw new NonFiniteWeightsException(orig.Name);
        int nt = AddTensor(new Tensor
        {
            Name = orig.Name,
            Type = TensorType.Int8,
            Shape = orig.Shape.ToArray(),
            ShapeSignature = orig.ShapeSignature?.ToArray(),
            HasRank = true,
            Buffer = Model.AddBuffer(bytes),
            Quantization = rows == 1 ? QuantizationParameters.PerTensor(scales[0], 0) : QuantizationParameters.PerChannel(scales, new long[rows], 0),
        });
        Note(rows == 1 ? "int8 weights per tensor" : "int8 weights per channel");
        var result = new QuantizedWeight(nt, scales, 0);
        _weights[(t, spec)] = result;
        Share(t, spec, nt, scales);
        Op(op).Inputs[slot] = nt;
        return result;
    }

    /// <summary>
    /// Replaces a float bias by int32 (or int64) values at scale input scale × weight scale per channel, zero
    /// point 0 (per-channel biases use quantized_dimension 0).
    /// </summary>
    public void ReplaceBias(int op, int slot, float inputScale, float[] weightScales, int bits, float[]? shift = null)
    {
        int t = Input(op, slot);
        if (t < 0) return;
        var orig = Graph.Tensors[t];
        var b = ConstantFloats(t)!;
        if (shift is not null && shift.Length == b.Length)
        {
            for (int i = 0; i < b.Length; i++) b[i] -= shift[i];
            Note("bias corrected");
        }

        bool perChannel = weightScales.Length > 1;
        var scales = new float[perChannel ? b.Length : 1];
        for (int c = 0; c < scales.Length; c++) scales[c] = inputScale * weightScales[perChannel ? c : 0];
        byte[] bytes;
        if (bits == 64)
        {
            var v = new long[b.Length];
            for (int i = 0; i < b.Length; i++) v[i] = QuantizationMath.QuantizeBias(b[i], scales[perChannel ? i : 0], 64);
            bytes = MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
        }
        else
        {
            var v = new int[b.Length];
            for (int i = 0; i < b.Length; i++) v[i] = (int)QuantizationMath.QuantizeBias(b[i], scales[perChannel ? i : 0], 32);
            bytes = MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
        }

        int nt = AddTensor(new Tensor
        {
            Name = orig.Name,
            Type = bits == 64 ? TensorType.Int64 : TensorType.Int32,
            Shape = orig.Shape.ToArray(),
            ShapeSignature = orig.ShapeSignature?.ToArray(),
            HasRank = true,
            Buffer = Model.AddBuffer(bytes),
            Quantization = perChannel
                ? QuantizationParameters.PerChannel(scales, new long[scales.Length], 0)
                : QuantizationParameters.PerTensor(scales[0], 0),
        });
        Op(op).Inputs[slot] = nt;
        Note($"int{bits} bias");
    }

    /// <summary>
    /// Bias correction (Nagel et al., "Data-Free Quantization", empirical form): the mean shift each output channel
    /// gets from the weights' quantization error, Σ (W_q − W) · E[x], with E[x] the calibrated mean of each input
    /// channel (last axis). <paramref name="depthMultiplier"/> &gt; 0 selects the depthwise layout [1, h, w, C·M]
    /// (output channel c reads input channel c / M); otherwise the weight is [O, ..., I]. Null when the input has no
    /// channel means or the shapes do not fit.
    /// </summary>
    public float[]? WeightErrorShift(int weight, QuantizedWeight quantized, int input, int depthMultiplier)
    {
        if (StatisticsOf(input)?.ChannelMeans is not { } means) return null;
        var w = Graph.Tensors[weight];
        var q = Graph.Tensors[quantized.Tensor];
        if (q.Type != TensorType.Int8 || w.Shape.Length == 0) return null;
        var data = ConstantFloatMemory(weight)!.Value.Span;
        var qv = MemoryMarshal.Cast<byte, sbyte>(Model.DataOf(q).Span);
        var scales = quantized.Scales;
        int n = data.Length;
        if (depthMultiplier > 0)
        {
            int channels = w.Shape[^1];
            if (channels % depthMultiplier != 0 || means.Count != channels / depthMultiplier || (scales.Length != 1 && scales.Length != channels)) return null;
            var shift = new float[channels];
            for (int i = 0; i < n; i++)
            {
                int c = i % channels;
                float s = scales[scales.Length == 1 ? 0 : c];
                shift[c] += (qv[i] * s - data[i]) * means[c / depthMultiplier];
            }

            return shift;
        }
        else
        {
            int rows = w.Shape[0], inner = rows == 0 ? 0 : n / rows, inChannels = w.Shape[^1];
            if (means.Count != inChannels || (scales.Length != 1 && scales.Length != rows)) return null;
            var shift = new float[rows];
            for (int r = 0; r < rows; r++)
            {
                float s = scales[scales.Length == 1 ? 0 : r];
                double acc = 0;
                for (int k = 0; k < inner; k++)
                {
                    int i = r * inner + k;
                    acc += (qv[i] * s - data[i]) * means[k % inChannels];
                }

                shift[r] = (float)acc;
            }

            return shift;
        }
    }

    /// <summary>A constant quantized to an activation form (e.g. the constant operand of an ADD), shared per form.</summary>
    private int ConstantInForm(int t, TensorForm form)
    {
        if (_constantForms.TryGetValue((t, form), out int cached)) return cached;
        var orig = Graph.Tensors[t];
        var data = ConstantFloatMemory(t)!.Value.Span;
        float inv = 1f / form.Scale;
        int qmin = form.Type switch { TensorType.Int16 => -32768, TensorType.UInt8 => 0, _ => -128 };
        int qmax = form.Type switch { TensorType.Int16 => 32767, TensorType.UInt8 => 255, _ => 127 };
        byte[] bytes;
        if (form.Type == TensorType.Int16)
        {
            var v = new short[data.Length];
            for (int i = 0; i < v.Length; i++) v[i] = (short)Math.Clamp(MathF.Round(data[i] * inv, MidpointRounding.AwayFromZero) + form.ZeroPoint, qmin, qmax);
            bytes = MemoryMarshal.AsBytes(v.AsSpan()).ToArray();
        }
        else
        {
            bytes = new byte[data.Length];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(int)Math.Clamp(MathF.Round(data[i] * inv, MidpointRounding.AwayFromZero) + form.ZeroPoint, qmin, qmax);
        }

        int nt = AddTensor(new Tensor
        {
            Name = UniqueName(orig.Name, form.Suffix),
            Type = form.Type,
            Shape = orig.Shape.ToArray(),
            ShapeSignature = orig.ShapeSignature?.ToArray(),
            HasRank = orig.HasRank,
            Buffer = Model.AddBuffer(bytes),
            Quantization = form.ToParameters(),
        });
        _constantForms[(t, form)] = nt;
        return nt;
    }
}
