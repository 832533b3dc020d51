using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Debugging;

/// <summary>Accumulates the error of one model output over samples, with KL divergence and top-1 agreement over the last axis.</summary>
internal sealed class OutputAccumulator
{
    private const double ProbabilityFloor = 1e-12;
    private readonly ErrorAccumulator _error = new();
    private readonly int _index;
    private readonly string _name;
    private readonly int _classes;
    private bool? _probabilities;
    private double _kl;
    private long _agree, _rows;

    public OutputAccumulator(Model reference, int index)
    {
        var g = reference.Subgraphs[0];
        int t = g.Outputs[index];
        var tensor = g.Tensors[t];
        _index = index;
        _name = tensor.Name ?? $"output{index}";
        _classes = tensor.Shape.Length > 0 ? Math.Max(1, tensor.Shape[^1]) : 1;
        var producer = g.Operators.FirstOrDefault(o => o.Outputs.Contains(t));
        if (producer is not null && reference.CodeOf(producer).Op == BuiltinOperator.SOFTMAX) _probabilities = true;
    }

    public void Add(float[] f, float[] q)
    {
        _error.Add(f, q);
        int c = _classes;
        if (c <= 1 || f.Length % c != 0) return;
        _probabilities ??= LooksLikeProbabilities(f, c);
        for (int r = 0; r < f.Length / c; r++)
        {
            var fr = f.AsSpan(r * c, c);
            var qr = q.AsSpan(r * c, c);
            if (ArgMax(fr) == ArgMax(qr)) _agree++;
            _rows++;
            if (_probabilities == true)
            {
                double kl = 0;
                for (int j = 0; j < c; j++)
                {
                    double p = fr[j];
                    if (p > 0) kl += p * Math.Log(p / Math.Max(qr[j], ProbabilityFloor));
                }

                _kl += kl;
            }
        }
    }

    public OutputErrorSummary ToSummary() => new()
    {
        OutputIndex = _index,
        OutputName = _name,
        Samples = _error.Samples,
        SqnrDb = _error.SqnrDb,
        CosineSimilarity = _error.CosineSimilarity,
        MeanSquaredError = _error.MeanSquaredError,
        MaxAbsError = _error.MaxAbsError,
        KlDivergence = _probabilities == true && _rows > 0 ? _kl / _rows : null,
        Top1Agreement = _rows > 0 ? (double)_agree / _rows : null,
    };

    private static bool LooksLikeProbabilities(float[] f, int c)
    {
        for (int r = 0; r < f.Length / c; r++)
        {
            double sum = 0;
            for (int j = 0; j < c; j++)
            {
                if (f[r * c + j] < 0) return false;
                sum += f[r * c + j];
            }

            if (Math.Abs(sum - 1) > 1e-3) return false;
        }

        return true;
    }

    internal static int ArgMax(ReadOnlySpan<float> a)
    {
        int best = 0;
        for (int j = 1; j < a.Length; j++) if (a[j] > a[best]) best = j;
        return best;
    }
}
