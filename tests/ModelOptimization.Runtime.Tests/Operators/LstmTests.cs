using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>UNIDIRECTIONAL_SEQUENCE_LSTM against a hand-written LSTM, and state carried over between invokes.</summary>
public sealed class LstmTests
{
    private static float[] F(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() - 0.5)).ToArray(); }

    private static Model Build(int input, int cells, int steps, out float[][] w)
    {
        var mb = new ModelBuilder();
        int x = mb.Input(TensorType.Float32, [1, steps, input]);
        w = new float[12][];
        var ids = new int[24];
        Array.Fill(ids, -1);
        ids[0] = x;
        for (int g = 0; g < 4; g++)
        {
            w[g] = F(cells * input, 10 + g);
            w[4 + g] = F(cells * cells, 20 + g);
            w[8 + g] = F(cells, 30 + g);
            ids[1 + g] = mb.Const(TensorType.Float32, [cells, input], w[g]);
            ids[5 + g] = mb.Const(TensorType.Float32, [cells, cells], w[4 + g]);
            ids[12 + g] = mb.Const(TensorType.Float32, [cells], w[8 + g]);
        }

        ids[18] = mb.Variable(TensorType.Float32, [1, cells]);
        ids[19] = mb.Variable(TensorType.Float32, [1, cells]);
        int o = mb.Tensor(TensorType.Float32, [1, steps, cells]);
        mb.Op(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, ids, [o], opt => opt["fused_activation_function"] = (sbyte)ActivationFunctionType.TANH);
        return mb.Build(o);
    }

    private static float[] Reference(float[] x, int input, int cells, int steps, float[][] w, float[] h, float[] c)
    {
        static float Sig(double v) => (float)(1 / (1 + Math.Exp(-v)));
        var y = new float[steps * cells];
        for (int t = 0; t < steps; t++)
        {
            var gates = new float[4][];
            for (int g = 0; g < 4; g++)
            {
                gates[g] = new float[cells];
                for (int k = 0; k < cells; k++)
                {
                    double acc = w[8 + g][k];
                    for (int i = 0; i < input; i++) acc += w[g][k * input + i] * x[t * input + i];
                    for (int i = 0; i < cells; i++) acc += w[4 + g][k * cells + i] * h[i];
                    gates[g][k] = g == 2 ? (float)Math.Tanh(acc) : Sig(acc);
                }
            }

            for (int k = 0; k < cells; k++)
            {
                c[k] = gates[1][k] * c[k] + gates[0][k] * gates[2][k];
                h[k] = gates[3][k] * (float)Math.Tanh(c[k]);
                y[t * cells + k] = h[k];
            }
        }

        return y;
    }

    [Fact]
    public void SequenceLstm_Float_MatchesHandWrittenCellAndKeepsState()
    {
        int input = 3, cells = 4, steps = 5;
        var model = Build(input, cells, steps, out var w);
        var x = F(steps * input, 99);
        using var interpreter = Interpreter.Create(model);
        var h = new float[cells];
        var c = new float[cells];
        for (int run = 0; run < 2; run++)
        {
            interpreter.SetInput(0, x);
            interpreter.Invoke();
            var expected = Reference(x, input, cells, steps, w, h, c);
            var actual = (float[])interpreter.GetOutput(0).Data;
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
        }

        interpreter.ResetVariables();
        interpreter.SetInput(0, x);
        interpreter.Invoke();
        var fresh = Reference(x, input, cells, steps, w, new float[cells], new float[cells]);
        Assert.Equal(fresh[0], ((float[])interpreter.GetOutput(0).Data)[0], 5);
    }
}
