namespace ModelOptimization.Runtime.Execution;

/// <summary>An element-wise function of two values, specialised by the JIT for each struct.</summary>
internal interface IBinaryFunc<TA, TB, TO>
{
    TO Apply(TA a, TB b);
}

/// <summary>
/// How two shapes broadcast to an output (NumPy rules), computed once in prepare, and the loop that applies a
/// binary function over them: flat when shapes match or one side is a scalar, strided otherwise.
/// </summary>
internal sealed class BroadcastPlan
{
    private readonly int[] _aStrides;
    private readonly int[] _bStrides;

    private BroadcastPlan(int[] outShape, int[] aShape, int[] bShape)
    {
        OutShape = outShape;
        int na = ShapeUtil.ElementCount(aShape), nb = ShapeUtil.ElementCount(bShape);
        SameShape = na == nb && na == ShapeUtil.ElementCount(outShape);
        AScalar = na == 1;
        BScalar = nb == 1;
        _aStrides = ShapeUtil.BroadcastStrides(aShape, outShape.Length);
        _bStrides = ShapeUtil.BroadcastStrides(bShape, outShape.Length);
    }

    public int[] OutShape { get; }

    public bool SameShape { get; }

    public bool AScalar { get; }

    public bool BScalar { get; }

    /// <summary>The plan for two shapes, or null when they do not broadcast.</summary>
    public static BroadcastPlan? Create(int[] a, int[] b)
        => ShapeUtil.Broadcast(a, b) is { } o ? new BroadcastPlan(o, a, b) : null;

    public void Run<TA, TB, TO, TF>(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TO> o, TF f)
        where TF : struct, IBinaryFunc<TA, TB, TO>
    {
        int n = o.Length;
        if (n == 0) return;
        if (SameShape)
        {
            for (int i = 0; i < n; i++) o[i] = f.Apply(a[i], b[i]);
            return;
        }

        if (BScalar)
        {
            TB bv = b[0];
            for (int i = 0; i < n; i++) o[i] = f.Apply(a[i], bv);
            return;
        }

        if (AScalar)
        {
            TA av = a[0];
            for (int i = 0; i < n; i++) o[i] = f.Apply(av, b[i]);
            return;
        }

        int rank = OutShape.Length;
        int inner = OutShape[rank - 1];
        int sa = _aStrides[rank - 1], sb = _bStrides[rank - 1];
        Span<int> idx = stackalloc int[rank];
        int outer = n / inner;
        int ia = 0, ib = 0, io = 0;
        for (int r = 0; r < outer; r++)
        {
            int pa = ia, pb = ib;
            for (int k = 0; k < inner; k++)
            {
                o[io++] = f.Apply(a[pa], b[pb]);
                pa += sa;
                pb += sb;
            }

            // advance the outer counters (dims rank-2 .. 0)
            for (int d = rank - 2; d >= 0; d--)
            {
                idx[d]++;
                ia += _aStrides[d];
                ib += _bStrides[d];
                if (idx[d] < OutShape[d]) break;
                ia -= _aStrides[d] * OutShape[d];
                ib -= _bStrides[d] * OutShape[d];
                idx[d] = 0;
            }
        }
    }
}
