using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// STRIDED_SLICE with begin/end/ellipsis/new-axis/shrink masks and the offset flag, as TFLite's
/// BuildStridedSliceParams + StartForAxis/EndForAxis.
/// </summary>
internal sealed class StridedSliceOperator : OperatorKernel
{
    private int[] _effectiveShape = [], _start = [], _step = [], _count = [];

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var beginT = ctx.Input(1);
        var endT = ctx.Input(2);
        var stridesT = ctx.Input(3);
        if (!ctx.HasValue(beginT) || !ctx.HasValue(endT) || !ctx.HasValue(stridesT))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        int[] beginData = TensorValues.ReadInts(beginT), endData = TensorValues.ReadInts(endT), stridesData = TensorValues.ReadInts(stridesT);
        uint beginMaskIn = (uint)ctx.GetInt("begin_mask"), endMaskIn = (uint)ctx.GetInt("end_mask");
        uint ellipsisMask = (uint)ctx.GetInt("ellipsis_mask"), newAxisMask = (uint)ctx.GetInt("new_axis_mask");
        uint shrinkMaskIn = (uint)ctx.GetInt("shrink_axis_mask");
        bool offset = ctx.GetBool("offset");
        int inputDims = input.Rank;
        int beginCount = beginData.Length;
        int numAddAxis = 0;
        for (int i = 0; i < beginCount; i++)
        {
            if ((ellipsisMask & (1u << i)) == 0 && (newAxisMask & (1u << i)) != 0) numAddAxis++;
        }

        int effectiveDims = inputDims + numAddAxis;
        var startIdx = new int[effectiveDims];
        var stopIdx = new int[effectiveDims];
        var strides = Enumerable.Repeat(1, effectiveDims).ToArray();
        uint beginMask = 0, endMask = 0, shrinkMask = 0;
        uint effEllipsis = 0, effNewAxis = 0;
        int ellipsisStart = effectiveDims, expandedEllipsis = 0;
        for (int i = 0; i < effectiveDims;)
        {
            if ((ellipsisMask & (1u << i)) != 0)
            {
                ellipsisStart = i;
                int ellipsisEnd = Math.Max(i + 1, Math.Min(i + 1 + numAddAxis + inputDims - beginCount, effectiveDims));
                expandedEllipsis = ellipsisEnd - ellipsisStart - 1;
                for (; i < ellipsisEnd; i++) effEllipsis |= 1u << i;
                continue;
            }

            if ((newAxisMask & (1u << (i - expandedEllipsis))) != 0) effNewAxis |= 1u << i;
            i++;
        }

        var effectiveShape = new int[effectiveDims];
        int addedEllipsis = 0, addedAxes = 0;
        for (int i = 0; i < effectiveDims; i++)
        {
            if ((effEllipsis & (1u << i)) != 0)
            {
                addedEllipsis = Math.Max(0, i - ellipsisStart);
                beginMask |= 1u << i;
                endMask |= 1u << i;
                effectiveShape[i] = input.Shape[i - addedAxes];
            }
            else if ((effNewAxis & (1u << i)) != 0)
            {
                startIdx[i] = 0;
                stopIdx[i] = 1;
                effectiveShape[i] = 1;
                addedAxes++;
            }
            else if (i >= beginCount + expandedEllipsis)
            {
                beginMask |= 1u << i;
                endMask |= 1u << i;
                effectiveShape[i] = input.Shape[i - addedAxes];
            }
            else
            {
                int orig = i - addedEllipsis;
                startIdx[i] = beginData[orig];
                stopIdx[i] = endData[orig];
                strides[i] = stridesData[orig];
                if ((beginMaskIn & (1u << orig)) != 0) beginMask |= 1u << i;
                if ((endMaskIn & (1u << orig)) != 0) endMask |= 1u << i;
                if ((shrinkMaskIn & (1u << orig)) != 0) shrinkMask |= 1u << i;
                effectiveShape[i] = input.Shape[i - addedAxes];
            }
        }

        var outShape = new List<int>();
        _start = new int[effectiveDims];
        _step = strides;
        _count = new int[effectiveDims];
        for (int i = 0; i < effectiveDims; i++)
        {
            int stride = strides[i];
            ctx.Require(stride != 0, "stride value has to be non-zero");
            int size = effectiveShape[i];
            int start = startIdx[i];
            if (start < 0) start += size;
            start = stride > 0 ? Math.Clamp(start, 0, size) : Math.Clamp(start, -1, size - 1);
            if ((beginMask & (1u << i)) != 0) start = stride > 0 ? 0 : size - 1;
            int end;
            bool shrink = (shrinkMask & (1u << i)) != 0;
            if (shrink)
            {
                end = start >= size ? start : start + 1;
            }
            else
            {
                end = stopIdx[i];
                if (offset) end += start;
                if (end < 0) end += size;
                end = stride > 0 ? Math.Clamp(end, 0, size) : Math.Clamp(end, -1, size - 1);
                if ((endMask & (1u << i)) != 0) end = stride > 0 ? size : -1;
            }

            long dimShape = (long)end - start;
            if ((dimShape < 0) != (stride < 0)) dimShape = 0;
            else if (stride < 0) dimShape = (dimShape + 1) / stride + 1;
            else dimShape = dimShape == 0 ? 0 : (dimShape - 1) / stride + 1;
            if (size == 0) dimShape = 0;
            _start[i] = start;
            _count[i] = (int)dimShape;
            if (!shrink) outShape.Add((int)dimShape);
        }

        _effectiveShape = effectiveShape;
        ctx.SetOutputShape(0, outShape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        StridedCopy.Copy(input.Bytes, _effectiveShape, _start, _step, _count, ctx.Output(0).WritableBytes, input.ElementSize);
    }
}
