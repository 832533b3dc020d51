namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Int16 LOGISTIC / TANH as TFLite's generic optimized kernels choose them: a power-of-two input scale of 2^-12
/// (tanh also 2^-11) runs gemmlowp's fixed-point functions on F3, any other scale TFLite's rescaled sigmoid
/// table. Either way the output depends only on the input value, so prepare tabulates all 65536 of them.
/// </summary>
internal static class Int16Activation
{
    /// <summary>Output for each input value, indexed by (ushort)input.</summary>
    public static short[] BuildTable(bool tanh, float inputScale)
    {
        const int inputIntegerBits = 3;
        bool pot = PotInt16Addition.CheckedLog2(inputScale, out int log2);
        int leftShift = (15 - inputIntegerBits) + log2;
        pot &= tanh ? leftShift is 0 or 1 : leftShift == 0;
        int multiplier = 0;
        if (!pot) SigmoidTableInt16.InputRescale(inputScale, out multiplier, out leftShift);
        var table = new short[65536];
        for (int v = short.MinValue; v <= short.MaxValue; v++)
        {
            short x = (short)v;
            short y;
            if (pot)
            {
                short f3 = leftShift == 1 ? GemmlowpInt16.MultiplyByPot(x, 1) : x;
                y = tanh ? GemmlowpInt16.Tanh(f3) : GemmlowpInt16.Logistic(f3);
            }
            else
            {
                y = tanh ? SigmoidTableInt16.Tanh(x, multiplier, leftShift) : SigmoidTableInt16.Logistic(x, multiplier, leftShift);
            }

            table[(ushort)x] = y;
        }

        return table;
    }
}
