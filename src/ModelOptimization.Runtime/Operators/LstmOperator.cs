using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// LSTM (one step, full kernel) and UNIDIRECTIONAL_SEQUENCE_LSTM (a sequence, batch- or time-major), float, with
/// optional CIFG, peepholes, layer normalisation, projection and clipping; and hybrid (dynamic range, TFLite's
/// EvalHybrid): int8 symmetric per-tensor weight matrices (and peepholes), float activations, x, h and the projection
/// input quantized per step and batch row (asymmetric_quantize_inputs chooses asymmetric). The output and cell states
/// are the variable tensors 18 and 19: they carry over between invocations, as in TFLite.
/// </summary>
internal sealed class LstmOperator(bool sequence) : OperatorKernel
{
    private readonly LstmCell _cell = new();
    private bool _timeMajor;
    private int _batches, _steps;

    public override bool IsPure => false;

    public override void Prepare(KernelContext ctx)
    {
        ctx.Require(ctx.InputCount >= 20, "the full LSTM kernel needs 20 or 24 inputs (the basic kernel is not supported)");
        var input = ctx.Input(0);
        ctx.Require(input.Type == TensorType.Float32, $"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)} (only float is supported)");
        bool hybrid = ctx.Input(2).Type == TensorType.Int8;
        for (int i = 1; i < Math.Min(ctx.InputCount, 24); i++)
        {
            var t = ctx.OptionalInput(i);
            bool matrix = i is >= 1 and <= 8 or 16, peephole = i is >= 9 and <= 11;
            bool int8Weight = t is { Type: TensorType.Int8, Quantization.Scale.Length: 1, ZeroPoint: 0 };
            bool ok = t is null || (hybrid && matrix ? int8Weight : t.Type == TensorType.Float32 || hybrid && peephole && int8Weight);
            ctx.Require(ok, $"input {i} is {TensorTypeInfo.ShortName(t?.Type ?? TensorType.Float32)} (float, or hybrid with int8 symmetric per-tensor weights; integer LSTMs are not supported)");
        }

        ctx.Require(!ctx.GetBool("diagonal_recurrent_tensors"), "diagonal recurrent weights");
        var c = _cell;
        float[]? W(int i) => ctx.OptionalInput(i) is { } t ? t.Type == TensorType.Int8 ? Hybrid(t).Dequantize() : t.Read<float>().ToArray() : null;
        HybridMatrix Hybrid(RuntimeTensor t) => new(t.Read<sbyte>().ToArray(), t.Scale, t.Rank == 2 ? t.Dim(0) : t.ElementCount, t.Rank == 2 ? t.Dim(1) : 1);
        HybridMatrix? Q(int i) => ctx.OptionalInput(i) is { } t ? Hybrid(t) : null;
        var inputToForget = ctx.Input(2);
        var recurrentToForget = ctx.Input(6);
        c.Cells = inputToForget.Dim(0);
        c.Inputs = inputToForget.Dim(1);
        c.Outputs = recurrentToForget.Dim(1);
        var projection = ctx.OptionalInput(16);
        if (projection is not null) ctx.Require(projection.Dim(0) == c.Outputs && projection.Dim(1) == c.Cells, "projection weights have the wrong shape");
        else ctx.Require(c.Outputs == c.Cells, "without projection the output size must equal the number of cells");
        foreach (int i in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 16 })
        {
            var t = ctx.OptionalInput(i);
            ctx.Require(t is null || t.IsConstantValue, $"weights (input {i}) must be constant");
        }

        if (hybrid)
        {
            c.QInputToInput = Q(1);
            c.QInputToForget = Q(2);
            c.QInputToCell = Q(3);
            c.QInputToOutput = Q(4);
            c.QRecurrentToInput = Q(5);
            c.QRecurrentToForget = Q(6);
            c.QRecurrentToCell = Q(7);
            c.QRecurrentToOutput = Q(8);
            c.QProjection = Q(16);
            c.AsymmetricInputs = ctx.GetBool("asymmetric_quantize_inputs");
        }
        else
        {
            c.InputToInput = W(1);
            c.InputToForget = W(2)!;
            c.InputToCell = W(3)!;
            c.InputToOutput = W(4)!;
            c.RecurrentToInput = W(5);
            c.RecurrentToForget = W(6)!;
            c.RecurrentToCell = W(7)!;
            c.RecurrentToOutput = W(8)!;
            c.Projection = W(16);
        }

        c.CellToInput = W(9);
        c.CellToForget = W(10);
        c.CellToOutput = W(11);
        c.InputBias = W(12);
        c.ForgetBias = W(13)!;
        c.CellBias = W(14)!;
        c.OutputBias = W(15)!;
        c.ProjectionBias = W(17);
        if (ctx.InputCount >= 24)
        {
            c.InputLayerNorm = W(20);
            c.ForgetLayerNorm = W(21);
            c.CellLayerNorm = W(22);
            c.OutputLayerNorm = W(23);
        }

        c.CellClip = ctx.GetFloat("cell_clip");
        c.ProjectionClip = ctx.GetFloat("proj_clip");
        c.Activation = ctx.FusedActivation;
        ctx.Require(ctx.GetInt("kernel_type") == (int)LstmKernelType.FULL, "the basic LSTM kernel");
        ctx.Require((ctx.OptionalInput(1) is null) == (ctx.OptionalInput(5) is null), "CIFG needs both input-gate weight sets absent");
        var outputState = ctx.Input(18);
        var cellState = ctx.Input(19);
        _timeMajor = sequence && ctx.GetBool("time_major");
        if (sequence)
        {
            ctx.Require(input.Rank == 3, "the input must be 3-D");
            _steps = _timeMajor ? input.Dim(0) : input.Dim(1);
            _batches = _timeMajor ? input.Dim(1) : input.Dim(0);
            ctx.SetOutputShape(0, _timeMajor ? [_steps, _batches, c.Outputs] : [_batches, _steps, c.Outputs]);
        }
        else
        {
            ctx.Require(input.Rank == 2, "the input must be 2-D");
            _steps = 1;
            _batches = input.Dim(0);
            ctx.SetOutputShape(0, [_batches, c.Outputs]);
        }

        ctx.Require(input.Dim(-1) == c.Inputs, "input depth differs from the weights");
        ctx.Require(outputState.ElementCount == _batches * c.Outputs && cellState.ElementCount == _batches * c.Cells, "state tensors have the wrong size");
        ctx.Require(outputState.Storage is TensorStorage.Variable && cellState.Storage is TensorStorage.Variable, "the state inputs must be variable tensors");
    }

    public override void Eval(KernelContext ctx)
    {
        var c = _cell;
        var x = ctx.Input(0).Read<float>();
        var h = ctx.Input(18).Write<float>();
        var cs = ctx.Input(19).Write<float>();
        var y = ctx.Output(0).Write<float>();
        for (int t = 0; t < _steps; t++)
        {
            for (int b = 0; b < _batches; b++)
            {
                int row = _timeMajor || !sequence ? t * _batches + b : b * _steps + t;
                c.Step(x.Slice(row * c.Inputs, c.Inputs), h.Slice(b * c.Outputs, c.Outputs), cs.Slice(b * c.Cells, c.Cells));
                h.Slice(b * c.Outputs, c.Outputs).CopyTo(y.Slice(row * c.Outputs, c.Outputs));
            }
        }
    }
}
