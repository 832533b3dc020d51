using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// One float LSTM step as TFLite's LstmStepFloat: gates i, f, g, o from W_x·x + W_h·h (+ peephole) (+ layer
/// normalisation) + bias; c = f ⊙ c + i ⊙ g (CIFG: i = 1 − f), clipped; h = o ⊙ act(c), optionally projected and
/// clipped. Weight matrices are row-major [units × inputs]. Hybrid (TFLite's LstmStepHybrid): the matrices are
/// int8 (<see cref="HybridMatrix"/>, set in <see cref="QInputToInput"/>…), x, h and the projection input are
/// quantized per step and batch row (asymmetric or symmetric), and everything else stays float.
/// </summary>
internal sealed class LstmCell
{
    public float[]? InputToInput, RecurrentToInput; // null: CIFG (coupled input and forget gates)
    public float[] InputToForget = null!, InputToCell = null!, InputToOutput = null!;
    public float[] RecurrentToForget = null!, RecurrentToCell = null!, RecurrentToOutput = null!;
    public float[]? CellToInput, CellToForget, CellToOutput;
    public float[]? InputLayerNorm, ForgetLayerNorm, CellLayerNorm, OutputLayerNorm;
    public float[]? InputBias, ForgetBias = null!, CellBias = null!, OutputBias = null!;
    public float[]? Projection, ProjectionBias;
    public int Inputs, Cells, Outputs;
    public float CellClip, ProjectionClip;
    public ActivationFunctionType Activation = ActivationFunctionType.TANH;

    // Hybrid weights (null for a float cell); when set, the float matrices above are not used.
    public HybridMatrix? QInputToInput, QInputToForget, QInputToCell, QInputToOutput;
    public HybridMatrix? QRecurrentToInput, QRecurrentToForget, QRecurrentToCell, QRecurrentToOutput, QProjection;
    public bool AsymmetricInputs;

    private sbyte[] _qx = [], _qh = [], _qp = [];
    private float _sx, _sh;
    private int _ox, _oh;

    private float[] _i = [], _f = [], _g = [], _o = [], _h = [];

    public bool UseCifg => InputToInput is null && QInputToInput is null;

    public bool IsHybrid => QInputToForget is not null;

    /// <summary>Advances one batch row: reads x (n_input), updates h (n_output) and c (n_cell) in place.</summary>
    public void Step(ReadOnlySpan<float> x, Span<float> h, Span<float> c)
    {
        if (_f.Length != Cells)
        {
            _i = new float[Cells];
            _f = new float[Cells];
            _g = new float[Cells];
            _o = new float[Cells];
            _h = new float[Cells];
        }

        if (IsHybrid)
        {
            if (_qx.Length != Inputs) _qx = new sbyte[Inputs];
            if (_qh.Length != Outputs) _qh = new sbyte[Outputs];
            Quantize(x, _qx, out _sx, out _ox);
            Quantize(h, _qh, out _sh, out _oh);
        }

        if (!UseCifg) Gate(x, h, c, InputToInput, RecurrentToInput, QInputToInput, QRecurrentToInput, CellToInput, InputLayerNorm, InputBias, _i, sigmoid: true);
        Gate(x, h, c, InputToForget, RecurrentToForget, QInputToForget, QRecurrentToForget, CellToForget, ForgetLayerNorm, ForgetBias, _f, sigmoid: true);
        Gate(x, h, default, InputToCell, RecurrentToCell, QInputToCell, QRecurrentToCell, null, CellLayerNorm, CellBias, _g, sigmoid: false);
        for (int k = 0; k < Cells; k++)
        {
            float input = UseCifg ? 1f - _f[k] : _i[k];
            float v = _f[k] * c[k] + input * _g[k];
            if (CellClip > 0) v = Math.Clamp(v, -CellClip, CellClip);
            c[k] = v;
        }

        Gate(x, h, c, InputToOutput, RecurrentToOutput, QInputToOutput, QRecurrentToOutput, CellToOutput, OutputLayerNorm, OutputBias, _o, sigmoid: true);
        for (int k = 0; k < Cells; k++) _h[k] = _o[k] * Activate(c[k]);
        if (QProjection is not null)
        {
            if (_qp.Length != Cells) _qp = new sbyte[Cells];
            for (int u = 0; u < Outputs; u++) h[u] = ProjectionBias?[u] ?? 0f;
            Quantize(_h, _qp, out float sp, out int op);
            QProjection.Accumulate(_qp, sp, op, h);
            if (ProjectionClip > 0)
            {
                for (int u = 0; u < Outputs; u++) h[u] = Math.Clamp(h[u], -ProjectionClip, ProjectionClip);
            }
        }
        else if (Projection is not null)
        {
            for (int u = 0; u < Outputs; u++)
            {
                float acc = ProjectionBias?[u] ?? 0f;
                for (int k = 0; k < Cells; k++) acc += Projection[u * Cells + k] * _h[k];
                if (ProjectionClip > 0) acc = Math.Clamp(acc, -ProjectionClip, ProjectionClip);
                h[u] = acc;
            }
        }
        else
        {
            _h.AsSpan(0, Outputs).CopyTo(h);
        }
    }

    private void Quantize(ReadOnlySpan<float> v, Span<sbyte> q, out float scale, out int offset)
    {
        offset = 0;
        if (AsymmetricInputs) HybridQuantization.Asymmetric(v, q, out scale, out offset);
        else HybridQuantization.Symmetric(v, q, out scale);
    }

    private void Gate(ReadOnlySpan<float> x, ReadOnlySpan<float> h, ReadOnlySpan<float> c, float[]? wx, float[]? wh, HybridMatrix? qx, HybridMatrix? qh,
        float[]? peephole, float[]? layerNorm, float[]? bias, float[] gate, bool sigmoid)
    {
        if (qx is not null && qh is not null)
        {
            // TFLite's CalculateLstmGateHybrid: bias (none with layer norm), + W_x·x, + W_h·h, + peephole in float.
            for (int k = 0; k < Cells; k++) gate[k] = layerNorm is null && bias is not null ? bias[k] : 0f;
            qx.Accumulate(_qx, _sx, _ox, gate);
            qh.Accumulate(_qh, _sh, _oh, gate);
            if (peephole is not null)
            {
                for (int k = 0; k < Cells; k++) gate[k] += peephole[k] * c[k];
            }
        }
        else
        {
            Accumulate(x, h, c, wx!, wh!, peephole, layerNorm, bias, gate);
        }

        Finish(layerNorm, bias, gate, sigmoid);
    }

    private void Accumulate(ReadOnlySpan<float> x, ReadOnlySpan<float> h, ReadOnlySpan<float> c, float[] wx, float[] wh, float[]? peephole,
        float[]? layerNorm, float[]? bias, float[] gate)
    {
        for (int k = 0; k < Cells; k++)
        {
            float acc = layerNorm is null && bias is not null ? bias[k] : 0f;
            for (int t = 0; t < Inputs; t++) acc += wx[k * Inputs + t] * x[t];
            for (int t = 0; t < Outputs; t++) acc += wh[k * Outputs + t] * h[t];
            if (peephole is not null) acc += peephole[k] * c[k];
            gate[k] = acc;
        }
    }

    private void Finish(float[]? layerNorm, float[]? bias, float[] gate, bool sigmoid)
    {
        if (layerNorm is not null)
        {
            float mean = 0;
            for (int k = 0; k < Cells; k++) mean += gate[k];
            mean /= Cells;
            float variance = 0;
            for (int k = 0; k < Cells; k++) variance += (gate[k] - mean) * (gate[k] - mean);
            variance /= Cells;
            float inv = 1f / MathF.Sqrt(variance + 1e-8f);
            for (int k = 0; k < Cells; k++) gate[k] = (gate[k] - mean) * inv * layerNorm[k] + (bias?[k] ?? 0f);
        }

        for (int k = 0; k < Cells; k++) gate[k] = sigmoid ? 1f / (1f + MathF.Exp(-gate[k])) : Activate(gate[k]);
    }

    private float Activate(float v) => Activation switch
    {
        ActivationFunctionType.TANH => MathF.Tanh(v),
        ActivationFunctionType.RELU => Math.Max(0, v),
        ActivationFunctionType.RELU6 => Math.Clamp(v, 0, 6),
        ActivationFunctionType.RELU_N1_TO_1 => Math.Clamp(v, -1, 1),
        ActivationFunctionType.SIGN_BIT => 1f / (1f + MathF.Exp(-v)),
        _ => v,
    };
}
