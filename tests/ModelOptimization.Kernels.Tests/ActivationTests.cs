using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

[Collection(SimdPathCollection.Name)]
public class ActivationTests
{
    public static IEnumerable<object[]> Lengths => Enumerable.Range(0, 258).Select(n => new object[] { n });

    private delegate void Unary(ReadOnlySpan<float> x, Span<float> y);

    private static void Check(int length, Unary reference, Unary fast, float relative, float absolute, string name, float scale = 10f, bool positive = false)
    {
        var rng = new Random(length + name.Length);
        foreach (int offset in TestData.Offsets)
        {
            float[] x = TestData.Floats(rng, length, offset, scale);
            if (positive) for (int i = 0; i < x.Length; i++) x[i] = Math.Abs(x[i]) + 1e-3f;
            var expected = new float[length];
            reference(x.AsSpan(offset), expected);
            SimdPaths.ForEach(bits =>
            {
                var actual = new float[length + offset];
                fast(x.AsSpan(offset), actual.AsSpan(offset));
                if (relative == 0f && absolute == 0f)
                    TestData.AssertEqual<float>(expected, actual.AsSpan(offset), $"{name}, {bits} bits, offset {offset}");
                else
                    TestData.AssertClose(expected, actual.AsSpan(offset), relative, absolute, $"{name}, {bits} bits, offset {offset}");
            });
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void PiecewiseLinear_AllLengthsAndOffsets_EqualReferenceBitForBit(int length)
    {
        Check(length, Ref.Activation.Relu, Activation.Relu, 0f, 0f, "Relu");
        Check(length, Ref.Activation.Relu6, Activation.Relu6, 0f, 0f, "Relu6");
        Check(length, Ref.Activation.ReluN1To1, Activation.ReluN1To1, 0f, 0f, "ReluN1To1");
        Check(length, Ref.Activation.HardSwish, Activation.HardSwish, 0f, 0f, "HardSwish");
        Check(length, (x, y) => Ref.Activation.LeakyRelu(x, y, 0.2f), (x, y) => Activation.LeakyRelu(x, y, 0.2f), 0f, 0f, "LeakyRelu");
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Transcendental_AllLengthsAndOffsets_WithinTolerance(int length)
    {
        Check(length, Ref.Activation.Logistic, Activation.Logistic, 1e-5f, 1e-7f, "Logistic", 20f);
        Check(length, Ref.Activation.Tanh, Activation.Tanh, 1e-5f, 1e-7f, "Tanh");
        Check(length, Ref.Activation.Exp, Activation.Exp, 1e-5f, 0f, "Exp");
        Check(length, Ref.Activation.Log, Activation.Log, 1e-5f, 1e-6f, "Log", positive: true);
        Check(length, Ref.Activation.Sqrt, Activation.Sqrt, 1e-6f, 0f, "Sqrt", positive: true);
        Check(length, Ref.Activation.Rsqrt, Activation.Rsqrt, 1e-6f, 0f, "Rsqrt", positive: true);
        Check(length, Ref.Activation.Sin, Activation.Sin, 1e-5f, 1e-6f, "Sin");
        Check(length, Ref.Activation.Cos, Activation.Cos, 1e-5f, 1e-6f, "Cos");
    }

    [Theory]
    [InlineData(1, 1, 1f)]
    [InlineData(3, 10, 1f)]
    [InlineData(2, 257, 0.5f)]
    [InlineData(4, 33, 2f)]
    [InlineData(0, 5, 1f)]
    public void Softmax_RandomRows_WithinTolerance(int rows, int depth, float beta)
    {
        float[] x = TestData.Floats(new Random(depth), rows * depth, 0, 8f);
        var expected = new float[rows * depth];
        var actual = new float[rows * depth];
        Ref.Activation.Softmax(x, expected, rows, depth, beta);
        Activation.Softmax(x, actual, rows, depth, beta);
        TestData.AssertClose(expected, actual, 1e-5f, 1e-7f, "softmax");
        Ref.Activation.LogSoftmax(x, expected, rows, depth);
        Activation.LogSoftmax(x, actual, rows, depth);
        TestData.AssertClose(expected, actual, 1e-5f, 1e-5f, "log softmax");
    }

    [Fact]
    public void Logistic_BeyondCutoffs_FollowsTfLite()
    {
        var y = new float[3];
        Activation.Logistic([-20f, 17f, 0f], y);
        Assert.Equal(MathF.Exp(-20f), y[0]);
        Assert.Equal(1f, y[1]);
        Assert.Equal(0.5f, y[2]);
    }
}
