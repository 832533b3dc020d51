using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Kernels;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Optimized;
using ModelOptimization.Runtime.Reference;
using KernelReference = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// FULLY_CONNECTED: float; hybrid dynamic-range (int8 weights per-tensor or per-channel, symmetric or asymmetric
/// inputs); int8 per-tensor/per-channel; legacy uint8; int16x8; int4 weights; sparse weights (densified when the
/// model is loaded); blockwise int4/int8 weights (LiteRT arithmetic: XNNPACK's qd8 × qb4w dynamic kernel; TFLite
/// built-in: dequantized once in prepare and run as float). Weights are packed once in prepare for the Kernels GEMM.
/// </summary>
internal sealed class FullyConnectedOperator : OperatorKernel
{
    private enum Kind { Float, Hybrid, Blockwise, Int8, UInt8, Int16 }

    private Kind _kind;
    private int _batches, _units, _depth;
    private float _fmin, _fmax;
    private int _actMin, _actMax;
    private int[] _mult = [], _shift = [];
    private long[] _bias64 = [];
    private float[] _weightScales = [];
    private bool _asymmetric;
    private bool _hybridXnnpack;
    private sbyte[] _weights8 = [];
    private float[] _weightsFloat = [];
    private BlockwiseWeights? _blockwise;
    private PackedWeights? _packed;
    private QuantizedMatMul? _matmul;
    private FloatRequantizer _float;
    private bool _xnnpack;
    private sbyte[] _scratchQ = [];
    private float[] _scratchScales = [];
    private int[] _scratchOffsets = [];

    public override long ScratchBytes => (_packed?.SizeInBytes ?? 0) + (_matmul?.SizeInBytes ?? 0) + _weights8.Length + _scratchQ.Length
        + 4L * _weightsFloat.Length + (_blockwise is null ? 0 : _blockwise.Values.Length + 8L * _blockwise.Scales.Length);

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var weights = ctx.Input(1);
        var bias = ctx.OptionalInput(2);
        var output = ctx.Output(0);
        ctx.Require(ctx.GetInt("weights_format") == (int)FullyConnectedWeightsFormat.DEFAULT, "shuffled weights formats");
        ctx.Require(weights.Rank == 2, "weights must be 2-D");
        _units = weights.Dim(0);
        _depth = weights.Dim(1);
        int total = input.ElementCount;
        ctx.Require(_depth > 0 && total % _depth == 0, $"input of {total} values is not a multiple of the weights' depth {_depth}");
        _batches = total / _depth;
        ctx.Require(bias is null || bias.ElementCount == _units, "bias size differs from the number of units");
        int[] shape;
        if (ctx.GetBool("keep_num_dims"))
        {
            shape = input.Shape.ToArray();
            shape[^1] = _units;
        }
        else
        {
            shape = [_batches, _units];
        }

        ctx.SetOutputShape(0, shape);
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_fmin, _fmax) = ActivationRange.Float(act);
        bool fast = weights.IsConstantValue && !ctx.UseReference;
        switch (input.Type, weights.Type)
        {
            case (TensorType.Float32, TensorType.Float32):
                ctx.Require(output.Type == TensorType.Float32, "float FULLY_CONNECTED needs a float output");
                _kind = Kind.Float;
                if (fast) _packed = PackedWeights.PackFloat(weights.Read<float>(), _units, _depth);
                break;
            case (TensorType.Float32, TensorType.Int8 or TensorType.Int4) when BlockwiseWeights.IsBlockwise(weights):
                ctx.Require(output.Type == TensorType.Float32, "blockwise FULLY_CONNECTED needs a float output");
                ctx.Require(bias is null || bias.Type == TensorType.Float32, "blockwise FULLY_CONNECTED needs a float bias");
                var blockwise = BlockwiseWeights.Read(ctx, weights);
                if (ctx.LiteRtArithmetic)
                {
                    // LiteRT delegates blockwise FULLY_CONNECTED to XNNPACK (dynamically quantized rows × block-scaled weights).
                    _kind = Kind.Blockwise;
                    _blockwise = blockwise;
                    _scratchQ = new sbyte[_depth];
                }
                else
                {
                    _kind = Kind.Float;
                    var dequantized = blockwise.Dequantize();
                    if (!ctx.UseReference) _packed = PackedWeights.PackFloat(dequantized, _units, _depth);
                    else _weightsFloat = dequantized;
                }

                break;
            case (TensorType.Float32, TensorType.Int8 or TensorType.Int4):
                ctx.Require(output.Type == TensorType.Float32 && weights.IsQuantized, "hybrid FULLY_CONNECTED needs a float output and quantized weights");
                _kind = Kind.Hybrid;
                _weightScales = weights.Quantization!.Scale!.ToArray();
                _asymmetric = ctx.GetBool("asymmetric_quantize_inputs");
                // The XNNPACK delegate runs hybrid FULLY_CONNECTED with static dense int8 weights (symmetric, per-tensor or
                // per unit) on dynamically quantized ("qd8") rows, whatever asymmetric_quantize_inputs says.
                _hybridXnnpack = ctx.LiteRtArithmetic && weights.Type == TensorType.Int8 && weights.Storage == TensorStorage.Constant
                    && weights.Sparsity is null && ConvQuantization.HasZeroZeroPoints(weights)
                    && (_weightScales.Length == 1 || weights.Quantization!.QuantizedDimension == 0)
                    && (bias is null || bias is { Type: TensorType.Float32, Storage: TensorStorage.Constant });
                _weights8 = weights.Type == TensorType.Int4 ? Int4.Unpack(weights.Bytes, weights.ElementCount) : [];
                if (fast) _packed = PackedWeights.PackInt8(Weights8(weights), _units, _depth);
                _scratchQ = new sbyte[total];
                _scratchScales = new float[_batches];
                _scratchOffsets = new int[_batches];
                break;
            case (TensorType.Int8, TensorType.Int8 or TensorType.Int4):
                ctx.Require(output.Type == TensorType.Int8 && (bias is null || bias.Type == TensorType.Int32), "int8 FULLY_CONNECTED needs an int8 output and int32 bias");
                _kind = Kind.Int8;
                PrepareMultipliers(input, weights, output);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                _weights8 = weights.Type == TensorType.Int4 ? Int4.Unpack(weights.Bytes, weights.ElementCount) : [];
                PrepareRequantization(ctx, input, weights, bias, output, act);
                if (fast && _xnnpack) _matmul = QuantizedMatMul.Create(Weights8(weights), weights.ZeroPoint, _units, _depth);
                else if (fast && ConvQuantization.HasZeroZeroPoints(weights)) _packed = PackedWeights.PackInt8(Weights8(weights), _units, _depth);
                break;
            case (TensorType.UInt8, TensorType.UInt8):
                ctx.Require(output.Type == TensorType.UInt8 && (bias is null || bias.Type == TensorType.Int32), "uint8 FULLY_CONNECTED needs a uint8 output and int32 bias");
                _kind = Kind.UInt8;
                PrepareMultipliers(input, weights, output);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                PrepareRequantization(ctx, input, weights, bias, output, act);
                if (fast && _xnnpack) _matmul = QuantizedMatMul.Create(weights.Read<byte>(), weights.ZeroPoint, _units, _depth);
                else if (fast) _packed = PackedWeights.PackUInt8(weights.Read<byte>(), weights.ZeroPoint, _units, _depth);
                break;
            case (TensorType.Int16, TensorType.Int8):
                ctx.Require(output.Type == TensorType.Int16 && (bias is null || bias.Type is TensorType.Int64 or TensorType.Int32), "int16x8 FULLY_CONNECTED needs an int16 output and int64/int32 bias");
                ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0, "int16 activations must have zero points of 0");
                _kind = Kind.Int16;
                PrepareMultipliers(input, weights, output);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                _bias64 = bias is not null && bias.IsConstantValue ? ConvQuantization.BiasAsInt64(bias) : [];
                if (fast && ConvQuantization.HasZeroZeroPoints(weights)) _packed = PackedWeights.PackInt8(weights.Read<sbyte>(), _units, _depth);
                break;
            default:
                throw ctx.NotSupported($"input {TensorTypeInfo.ShortName(input.Type)} with weights {TensorTypeInfo.ShortName(weights.Type)}");
        }
    }

    private void PrepareMultipliers(RuntimeTensor input, RuntimeTensor weights, RuntimeTensor output)
    {
        if (weights.Quantization?.Scale is { Length: > 1 })
        {
            (_mult, _shift) = ConvQuantization.PerChannel(input, weights, output, _units);
        }
        else
        {
            var (m, s) = ConvQuantization.PerTensor(input, weights, output);
            _mult = [m];
            _shift = [s];
        }
    }

    /// <summary>TFLite fixed point, or XNNPACK's float requantization when LiteRT would delegate the node.</summary>
    private void PrepareRequantization(KernelContext ctx, RuntimeTensor input, RuntimeTensor weights, RuntimeTensor? bias, RuntimeTensor output, ActivationFunctionType act)
    {
        float[]? scales = ctx.LiteRtArithmetic ? XnnpackQuantization.ConvolutionScales(input, weights, bias, output, _units, 0, biasRequired: false) : null;
        if (weights.Type == TensorType.Int8 && !ConvQuantization.HasZeroZeroPoints(weights)) scales = null;
        _xnnpack = scales is not null && ctx.LiteRtArithmetic;
        if (_xnnpack)
        {
            var (min, max) = XnnpackQuantization.ActivationRange(act, output);
            _float = new FloatRequantizer(scales!, output.ZeroPoint, min, max);
        }
    }

    private ReadOnlySpan<sbyte> Weights8(RuntimeTensor weights) => _weights8.Length > 0 ? _weights8 : weights.Read<sbyte>();

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var weights = ctx.Input(1);
        var bias = ctx.OptionalInput(2);
        var output = ctx.Output(0);
        int m = _batches;
        switch (_kind)
        {
            case Kind.Float:
                var wf = _weightsFloat.Length > 0 ? _weightsFloat : weights.Read<float>();
                if (_packed is not null) FullyConnected.Float(input.Read<float>(), _packed, Bias<float>(bias), output.Write<float>(), m, _fmin, _fmax, ctx.Threads);
                else if (!ctx.UseReference) FullyConnected.Float(input.Read<float>(), wf, Bias<float>(bias), output.Write<float>(), m, _units, _depth, _fmin, _fmax, ctx.Threads);
                else KernelReference.FullyConnected.Float(input.Read<float>(), wf, Bias<float>(bias), output.Write<float>(), m, _units, _depth, _fmin, _fmax);
                break;
            case Kind.Blockwise:
                BlockwiseFullyConnected.Dynamic(input.Read<float>(), _blockwise!, Bias<float>(bias), output.Write<float>(), m, _fmin, _fmax, _scratchQ);
                break;
            case Kind.Hybrid:
                if (_hybridXnnpack)
                {
                    XnnpackDynamicQuantization.FullyConnected(input.Read<float>(), Weights8(weights), _weightScales, Bias<float>(bias), output.Write<float>(),
                        m, _units, _depth, _fmin, _fmax, _scratchQ);
                }
                else if (_packed is not null)
                {
                    FullyConnected.Hybrid(input.Read<float>(), _packed, _weightScales, Bias<float>(bias), output.Write<float>(), m, _asymmetric,
                        _fmin, _fmax, _scratchQ, _scratchScales, _scratchOffsets, ctx.Threads);
                }
                else
                {
                    KernelReference.FullyConnected.Hybrid(input.Read<float>(), Weights8(weights), _weightScales, Bias<float>(bias), output.Write<float>(),
                        m, _units, _depth, _asymmetric, _fmin, _fmax, _scratchQ, _scratchScales, _scratchOffsets);
                }

                break;
            case Kind.Int8:
                if (_matmul is not null)
                {
                    _matmul.Run(input.Read<sbyte>(), input.ZeroPoint, Bias<int>(bias), output.Write<sbyte>(), m, _float, ctx.Threads);
                }
                else if (_xnnpack)
                {
                    ReferenceKernels.FullyConnectedXnnpack(input.Read<sbyte>(), -input.ZeroPoint, Weights8(weights), -weights.ZeroPoint, Bias<int>(bias),
                        _float, output.Write<sbyte>(), m, _units, _depth);
                }
                else if (_packed is not null)
                {
                    FullyConnected.Int8PerChannel(input.Read<sbyte>(), input.ZeroPoint, _packed, Bias<int>(bias), _mult, _shift, output.ZeroPoint,
                        output.Write<sbyte>(), m, _actMin, _actMax, ctx.Threads);
                }
                else
                {
                    KernelReference.FullyConnected.Int8PerChannel(input.Read<sbyte>(), input.ZeroPoint, Weights8(weights), weights.ZeroPoint, Bias<int>(bias),
                        _mult, _shift, output.ZeroPoint, output.Write<sbyte>(), m, _units, _depth, _actMin, _actMax);
                }

                break;
            case Kind.UInt8:
                if (_matmul is not null)
                {
                    _matmul.Run(input.Read<byte>(), input.ZeroPoint, Bias<int>(bias), output.Write<byte>(), m, _float, ctx.Threads);
                }
                else if (_xnnpack)
                {
                    ReferenceKernels.FullyConnectedXnnpack(input.Read<byte>(), -input.ZeroPoint, weights.Read<byte>(), -weights.ZeroPoint, Bias<int>(bias),
                        _float, output.Write<byte>(), m, _units, _depth);
                }
                else if (_packed is not null)
                {
                    FullyConnected.UInt8(input.Read<byte>(), input.ZeroPoint, _packed, Bias<int>(bias), _mult[0], _shift[0], output.ZeroPoint,
                        output.Write<byte>(), m, _actMin, _actMax, ctx.Threads);
                }
                else
                {
                    KernelReference.FullyConnected.UInt8(input.Read<byte>(), input.ZeroPoint, weights.Read<byte>(), weights.ZeroPoint, Bias<int>(bias),
                        _mult[0], _shift[0], output.ZeroPoint, output.Write<byte>(), m, _units, _depth, _actMin, _actMax);
                }

                break;
            case Kind.Int16:
                long[] b64 = _bias64.Length > 0 || bias is null ? _bias64 : ConvQuantization.BiasAsInt64(bias);
                if (_packed is not null)
                {
                    FullyConnected.Int16x8(input.Read<short>(), _packed, b64, _mult, _shift, output.Write<short>(), m, _actMin, _actMax, ctx.Threads);
                }
                else
                {
                    KernelReference.FullyConnected.Int16x8(input.Read<short>(), weights.Read<sbyte>(), b64, _mult, _shift, output.Write<short>(),
                        m, _units, _depth, _actMin, _actMax);
                }

                break;
        }
    }

    private static ReadOnlySpan<T> Bias<T>(RuntimeTensor? bias) where T : unmanaged => bias is null ? default : bias.Read<T>();
}
