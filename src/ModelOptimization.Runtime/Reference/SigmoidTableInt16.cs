namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's reference int16 LOGISTIC and TANH (used when the input scale is not a power of two): the input is
/// rescaled to 1/(3·4096) units and interpolated in a 256-entry table of sigmoid(i/24) in Q0.16.
/// </summary>
internal static class SigmoidTableInt16
{
    private static readonly ushort[] Table =
    [
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
        43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
        51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
        57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
        61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
        63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
        64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
        64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
        65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
        65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
        65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
        65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
        65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
        65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
        65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,    ];

    /// <summary>The input multiplier/shift of LogisticPrepare/TanhPrepare for a non-power-of-two scale.</summary>
    public static void InputRescale(double inputScale, out int multiplier, out int leftShift)
    {
        double m = inputScale * 4096.0 * 3.0;
        leftShift = 0;
        while (m <= 32767.0 / 2.0 && leftShift <= 30)
        {
            leftShift++;
            m *= 2.0;
        }

        multiplier = (int)m;
    }

    public static short Logistic(short value, int inputMultiplier, int inputLeftShift)
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputLeftShift;
            inputLeftShift = 0;
        }

        int round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
        int input = (value * inputMultiplier + round) >> inputLeftShift;
        uint abs = (uint)Math.Abs(input);
        uint uh = abs >> 9;
        uint result;
        if (uh >= 255)
        {
            result = 0x7FFFu << 10;
        }
        else
        {
            uint ua = Table[uh], ub = Table[uh + 1];
            uint ut = abs & 0x1ff;
            result = unchecked((ua << 9) + ut * (ub - ua));
        }

        result = input >= 0 ? result + (1u << 9) : unchecked((1u << (16 + 9)) - result + (1u << 9) - 1);
        return unchecked((short)(result >> 10));
    }

    public static short Tanh(short value, int inputMultiplier, int inputLeftShift)
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputLeftShift;
            inputLeftShift = 0;
        }

        int round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
        int input = (value * inputMultiplier + round) >> inputLeftShift;
        uint abs = (uint)Math.Abs(input);
        uint uh = abs >> 8;
        int result;
        if (uh >= 255)
        {
            result = 0xFFFF << 8;
        }
        else
        {
            uint ua = Table[uh], ub = Table[uh + 1];
            uint ut = abs & 0xFF;
            result = unchecked((int)((ua << 8) + ut * (ub - ua)));
        }

        result = input >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        return unchecked((short)(result >> (9 - 1)));
    }
}
