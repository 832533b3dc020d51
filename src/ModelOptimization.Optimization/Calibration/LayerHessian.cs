namespace ModelOptimization.Optimization.Calibration;

/// <summary>
/// The second moment Σ x xᵀ of a weighted layer's input patches (the Hessian of its squared output error), from
/// calibration. Dense (CONV_2D, FULLY_CONNECTED): one symmetric <see cref="Columns"/>² matrix whose columns follow
/// a weight row ([h, w, in] for a convolution). Depthwise: one (kh·kw)² matrix per input channel, stored
/// [tap, tap, channel].
/// </summary>
/// <param name="Columns">Weight columns (dense) or kernel taps (depthwise).</param>
/// <param name="Channels">0 for dense; the input channels for depthwise.</param>
/// <param name="Values">Row-major, symmetric.</param>
/// <param name="Patches">Patches summed (per channel for depthwise).</param>
internal sealed record LayerHessian(int Columns, int Channels, double[] Values, long Patches)
{
    public bool IsDepthwise => Channels > 0;

    /// <summary>The matrix of one depthwise input channel (row-major Columns²).</summary>
    public double[] ChannelMatrix(int channel)
    {
        int t = Columns;
        var m = new double[t * t];
        for (int i = 0; i < t * t; i++) m[i] = Values[i * Channels + channel];
        return m;
    }
}
