using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Formats.SavedModel.Conversion;

internal sealed partial class TfliteLowering
{
    private static int[] ShapeOfValue(ConvValue v, int probe) => v switch
    {
        TensorValue t => t.Shape(probe),
        ConstValue c => c.Probe(probe).Shape,
        RangeValue r => r.Shape(probe),
        _ => [],
    };

    private static int NormalizeAxis(long axis, int rank) => (int)(axis < 0 ? axis + rank : axis);

    private ConstValue StaticOrProbe(FlatNode n, int input, string what)
        => In(n, input) as ConstValue ?? throw NotSupported($"the {what} is computed at run time (it must be a constant)");

    private ConvValue Reshape(FlatNode n)
    {
        var x = In(n, 0);
        var shape = StaticOrProbe(n, 1, "target shape");
        int[] Target(int p)
        {
            var dims = shape.Probe(p).ToInt64s();
            long count = ConstTensor.ElementCount(ShapeOfValue(x, p));
            int unknown = Array.IndexOf(dims, -1L);
            long known = 1;
            for (int i = 0; i < dims.Length; i++) if (i != unknown) known *= dims[i];
            var result = dims.Select(d => (int)d).ToArray();
            if (unknown >= 0)
            {
                if (known == 0 || count % known != 0) throw ShapeError(p, $"cannot reshape {count} elements to [{string.Join(",", dims)}]");
                result[unknown] = (int)(count / known);
            }
            else if (known != count)
            {
                throw ShapeError(p, $"cannot reshape {count} elements to [{string.Join(",", dims)}]");
            }

            return result;
        }

        var s1 = Target(0);
        var s2 = Target(1);
        switch (x)
        {
            case ConstValue c:
                return new ConstValue(c.A.Reshape(s1), c.B?.Reshape(s2));
            case RangeValue r:
                return new RangeValue(r.Lo, r.Hi, r.Type, s1, s2);
        }

        var t = (TensorValue)x;
        var a = shape.A.ToInt64s();
        var b = shape.Probe(1).ToInt64s();
        var vector = s1.Select((d, i) => d != s2[i] ? -1 : (int)a[i]).ToArray();
        if (a.Length != b.Length || vector.Count(d => d == -1) > 1) vector = s1.Select((d, i) => d != s2[i] ? -1 : d).ToArray();
        if (vector.Count(d => d == -1) > 1) throw NotSupported("a reshape with more than one dimension that depends on the batch size");
        int st = AddInt32Constant(n.Name + "/shape", vector, [vector.Length]);
        var opts = OperatorOptions.For(BuiltinOperator.RESHAPE)!;
        opts["new_shape"] = vector;
        return Emit(BuiltinOperator.RESHAPE, [t.Tensor, st], t.Type, s1, s2, opts);
    }

    private ConvValue Squeeze(FlatNode n)
    {
        var x = In(n, 0);
        var s1 = ShapeOfValue(x, 0);
        var s2 = ShapeOfValue(x, 1);
        var requested = IntsAttr(n, "squeeze_dims", []);
        var axes = requested.Length == 0
            ? Enumerable.Range(0, s1.Length).Where(i => s1[i] == 1 && s2[i] == 1).ToArray()
            : requested.Select(a => NormalizeAxis(a, s1.Length)).Distinct().Order().ToArray();
        foreach (int a in axes)
        {
            if (a < 0 || a >= s1.Length || s1[a] != 1) throw ShapeError(0, $"cannot squeeze dimension {a} of [{string.Join(",", s1)}]");
            if (s2[a] != 1) throw ShapeError(1, "squeezed dimension depends on the batch size");
        }

        var o1 = s1.Where((_, i) => !axes.Contains(i)).ToArray();
        var o2 = s2.Where((_, i) => !axes.Contains(i)).ToArray();
        switch (x)
        {
            case ConstValue c:
                return new ConstValue(c.A.Reshape(o1), c.B?.Reshape(o2));
            case RangeValue r:
                return new RangeValue(r.Lo, r.Hi, r.Type, o1, o2);
        }

        var t = (TensorValue)x;
        var opts = OperatorOptions.For(BuiltinOperator.SQUEEZE)!;
        opts["squeeze_dims"] = axes;
        return Emit(BuiltinOperator.SQUEEZE, [t.Tensor], t.Type, o1, o2, opts);
    }

    private ConvValue ExpandDims(FlatNode n)
    {
        var x = In(n, 0);
        var axisValue = StaticOrProbe(n, 1, "axis");
        int rank = ShapeOfValue(x, 0).Length;
        int axis = NormalizeAxis((long)axisValue.A[0], rank + 1);
        if (axis < 0 || axis > rank) throw ShapeError(0, $"ExpandDims axis {axisValue.A[0]} for rank {rank}");
        int[] Out(int p)
        {
            var s = ShapeOfValue(x, p).ToList();
            s.Insert(axis, 1);
            return [.. s];
        }

        switch (x)
        {
            case ConstValue c:
                return new ConstValue(c.A.Reshape(Out(0)), c.B?.Reshape(Out(1)));
            case RangeValue r:
                return new RangeValue(r.Lo, r.Hi, r.Type, Out(0), Out(1));
        }

        var t = (TensorValue)x;
        int at = AddInt32Constant(n.Name + "/axis", [axis], []);
        return Emit(BuiltinOperator.EXPAND_DIMS, [t.Tensor, at], t.Type, Out(0), Out(1), OperatorOptions.For(BuiltinOperator.EXPAND_DIMS));
    }

    private ConvValue Concat(FlatNode n)
    {
        int count = n.Inputs.Count - 1;
        if (count < 1) throw ConversionErrors.Structure($"{n.Where} has no values to join", n.Name);
        var axisValue = StaticOrProbe(n, count, "axis");
        var values = Enumerable.Range(0, count).Select(i => In(n, i)).ToList();
        int rank = ShapeOfValue(values[0], 0).Length;
        int axis = NormalizeAxis((long)axisValue.A[0], rank);
        int[] Out(int p)
        {
            var s = ShapeOfValue(values[0], p).ToArray();
            foreach (var v in values.Skip(1))
            {
                var o = ShapeOfValue(v, p);
                if (o.Length != s.Length || Enumerable.Range(0, s.Length).Any(i => i != axis && o[i] != s[i])) throw ShapeError(p, "ConcatV2 of values whose shapes differ off the axis");
                s[axis] += o[axis];
            }

            return s;
        }

        var o1 = Out(0);
        var o2 = Out(1);
        if (values.All(v => v is ConstValue))
        {
            var consts = values.Cast<ConstValue>().ToList();
            var a = ConstTensor.Concat(consts.Select(c => c.A.Type == consts[0].A.Type ? c.A : c.A.Cast(consts[0].A.Type)).ToList(), axis);
            var b = consts.All(c => c.IsStatic) ? null : ConstTensor.Concat(consts.Select(c => c.Probe(1).Type == consts[0].A.Type ? c.Probe(1) : c.Probe(1).Cast(consts[0].A.Type)).ToList(), axis);
            return new ConstValue(a, b);
        }

        var type = values.OfType<TensorValue>().First().Type;
        var inputs = values.Select((v, i) => AsTensor(v, type, $"{n.Name}/values_{i}").Tensor).ToArray();
        var opts = OperatorOptions.For(BuiltinOperator.CONCATENATION)!;
        opts["axis"] = axis;
        return Emit(BuiltinOperator.CONCATENATION, inputs, type, o1, o2, opts);
    }

    private ConvValue Pack(FlatNode n)
    {
        var values = n.Inputs.Select((_, i) => In(n, i)).ToList();
        int rank = ShapeOfValue(values[0], 0).Length;
        int axis = NormalizeAxis(IntAttr(n, "axis", 0), rank + 1);
        int[] Out(int p)
        {
            var s = ShapeOfValue(values[0], p).ToList();
            if (values.Any(v => !ShapeOfValue(v, p).AsSpan().SequenceEqual(s.ToArray()))) throw ShapeError(p, "Pack of values of different shapes");
            s.Insert(axis, values.Count);
            return [.. s];
        }

        var o1 = Out(0);
        var o2 = Out(1);
        if (values.All(v => v is ConstValue))
        {
            var consts = values.Cast<ConstValue>().ToList();
            ConstTensor Stack(int p)
            {
                var expanded = consts.Select(c =>
                {
                    var t = c.Probe(p);
                    var s = t.Shape.ToList();
                    s.Insert(axis, 1);
                    return (t.Type == consts[0].A.Type ? t : t.Cast(consts[0].A.Type)).Reshape([.. s]);
                }).ToList();
                return ConstTensor.Concat(expanded, axis);
            }

            return new ConstValue(Stack(0), consts.All(c => c.IsStatic) ? null : Stack(1));
        }

        var type = values.OfType<TensorValue>().First().Type;
        var inputs = values.Select((v, i) => AsTensor(v, type, $"{n.Name}/values_{i}").Tensor).ToArray();
        var opts = OperatorOptions.For(BuiltinOperator.PACK)!;
        opts["values_count"] = values.Count;
        opts["axis"] = axis;
        return Emit(BuiltinOperator.PACK, inputs, type, o1, o2, opts);
    }

    private ConvValue Mean(FlatNode n)
    {
        var x = AsTensor(In(n, 0), In(n, 0) is TensorValue tv ? tv.Type : TfDataType.Float, n.Name + "/x");
        var axesValue = StaticOrProbe(n, 1, "reduction axes");
        bool keep = BoolAttr(n, "keep_dims", false);
        var axes = axesValue.A.ToInt64s().Select(a => NormalizeAxis(a, x.Rank)).Distinct().Order().ToArray();
        if (axes.Any(a => a < 0 || a >= x.Rank)) throw ShapeError(0, $"Mean axes [{string.Join(",", axes)}] for rank {x.Rank}");
        int[] Out(int p) => keep
            ? x.Shape(p).Select((d, i) => axes.Contains(i) ? 1 : d).ToArray()
            : x.Shape(p).Where((_, i) => !axes.Contains(i)).ToArray();
        int at = AddInt32Constant(n.Name + "/axes", axes, [axes.Length]);
        var opts = OperatorOptions.For(BuiltinOperator.MEAN)!;
        opts["keep_dims"] = keep;
        return Emit(BuiltinOperator.MEAN, [x.Tensor, at], x.Type, Out(0), Out(1), opts);
    }

    private ConvValue Pad(FlatNode n)
    {
        var x = AsTensor(In(n, 0), In(n, 0) is TensorValue tv ? tv.Type : TfDataType.Float, n.Name + "/x");
        var paddings = StaticOrProbe(n, 1, "paddings");
        if (!paddings.IsStatic || paddings.A.Shape is not [var r, 2] || r != x.Rank) throw NotSupported("paddings must be a constant [rank, 2]");
        var p = paddings.A.ToInt32s();
        var pairs = Enumerable.Range(0, r).Select(i => new[] { p[2 * i], p[(2 * i) + 1] }).ToArray();
        if (n.Op == "PadV2" && n.Inputs.Count > 2)
        {
            var value = StaticOrProbe(n, 2, "padding value");
            if (!(value.A.Count == 1 && value.A[0] == 0))
            {
                int pt = AddInt32Constant(n.Name + "/paddings", p, [r, 2]);
                int vt = AddConstant(n.Name + "/constant_values", value.A.Reshape([]), x.Type);
                return Emit(BuiltinOperator.PADV2, [x.Tensor, pt, vt], x.Type, PaddedShape(x.Shape1, pairs), PaddedShape(x.Shape2, pairs),
                    OperatorOptions.For(BuiltinOperator.PADV2));
            }
        }

        return PadTensor(x, pairs, n.Name);
    }

    private static int[] PaddedShape(int[] shape, int[][] pairs) => shape.Select((d, i) => d + pairs[i][0] + pairs[i][1]).ToArray();

    private TensorValue PadTensor(TensorValue x, int[][] pairs, string name)
    {
        int pt = AddInt32Constant(name + "/paddings", pairs.SelectMany(q => q).ToArray(), [pairs.Length, 2]);
        return Emit(BuiltinOperator.PAD, [x.Tensor, pt], x.Type, PaddedShape(x.Shape1, pairs), PaddedShape(x.Shape2, pairs),
            OperatorOptions.For(BuiltinOperator.PAD), name: name);
    }

    private ConvValue Transpose(FlatNode n)
    {
        var x = In(n, 0);
        var permValue = StaticOrProbe(n, 1, "permutation");
        int rank = ShapeOfValue(x, 0).Length;
        var perm = permValue.A.ToInt64s().Select(v => NormalizeAxis(v, rank)).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank || perm.Any(v => v < 0 || v >= rank)) throw ShapeError(0, $"Transpose permutation [{string.Join(",", perm)}] for rank {rank}");
        return x switch
        {
            ConstValue c => new ConstValue(c.A.Transpose(perm), c.B?.Transpose(perm)),
            TensorValue t => TransposeTensor(t, perm, n.Name),
            _ => throw NotSupported("transpose of a random value"),
        };
    }

    private ConvValue ShapeNode(FlatNode n)
    {
        var type = TypeAttr(n, "out_type", TfDataType.Int32);
        var x = In(n, 0);
        var s1 = ShapeOfValue(x, 0);
        var s2 = ShapeOfValue(x, 1);
        return new ConstValue(
            ConstTensor.Ints(type, [s1.Length], s1.Select(d => (long)d).ToArray()),
            ConstTensor.Ints(type, [s2.Length], s2.Select(d => (long)d).ToArray()));
    }

    /// <summary>The slice of one dimension: first index, step and count, and whether the dimension is dropped.</summary>
    private readonly record struct SliceDim(int Start, int Step, int Count, bool Shrink);

    private SliceDim[] SliceDims(FlatNode n, int[] shape, long[] begin, long[] end, long[] strides, int probe)
    {
        long beginMask = IntAttr(n, "begin_mask", 0), endMask = IntAttr(n, "end_mask", 0), shrinkMask = IntAttr(n, "shrink_axis_mask", 0);
        if (IntAttr(n, "ellipsis_mask", 0) != 0 || IntAttr(n, "new_axis_mask", 0) != 0) throw NotSupported("StridedSlice with ellipsis_mask or new_axis_mask");
        if (begin.Length > shape.Length || end.Length != begin.Length || strides.Length != begin.Length) throw ShapeError(probe, "StridedSlice specs do not match the input rank");
        var dims = new SliceDim[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            int size = shape[i];
            if (i >= begin.Length)
            {
                dims[i] = new SliceDim(0, 1, size, false);
                continue;
            }

            long stride = strides[i];
            if (stride == 0) throw ShapeError(probe, "StridedSlice stride 0");
            bool shrink = ((shrinkMask >> i) & 1) != 0;
            long b = begin[i], e = end[i];
            if (shrink)
            {
                long idx = b < 0 ? b + size : b;
                if (idx < 0 || idx >= size) throw ShapeError(probe, $"StridedSlice index {b} out of range for size {size}");
                dims[i] = new SliceDim((int)idx, 1, 1, true);
                continue;
            }

            long Clamp(long v, long lo, long hi) => Math.Min(Math.Max(v, lo), hi);
            if (stride > 0)
            {
                b = ((beginMask >> i) & 1) != 0 ? 0 : Clamp(b < 0 ? b + size : b, 0, size);
                e = ((endMask >> i) & 1) != 0 ? size : Clamp(e < 0 ? e + size : e, 0, size);
                long count = e > b ? (e - b + stride - 1) / stride : 0;
                dims[i] = new SliceDim((int)b, (int)stride, (int)count, false);
            }
            else
            {
                b = ((beginMask >> i) & 1) != 0 ? size - 1 : Clamp(b < 0 ? b + size : b, -1, size - 1);
                e = ((endMask >> i) & 1) != 0 ? -1 : Clamp(e < 0 ? e + size : e, -1, size - 1);
                long count = b > e ? (b - e + (-stride) - 1) / -stride : 0;
                dims[i] = new SliceDim((int)b, (int)stride, (int)count, false);
            }
        }

        return dims;
    }

    private ConvValue StridedSlice(FlatNode n)
    {
        var x = In(n, 0);
        var begin = StaticOrProbe(n, 1, "slice begin");
        var end = StaticOrProbe(n, 2, "slice end");
        var strides = StaticOrProbe(n, 3, "slice strides");
        SliceDim[] Dims(int p) => SliceDims(n, ShapeOfValue(x, p), begin.Probe(p).ToInt64s(), end.Probe(p).ToInt64s(), strides.Probe(p).ToInt64s(), p);
        var d1 = Dims(0);
        var d2 = Dims(1);
        static int[] OutShape(SliceDim[] d) => d.Where(s => !s.Shrink).Select(s => s.Count).ToArray();
        if (x is ConstValue c)
        {
            ConstTensor Slice(ConstTensor t, SliceDim[] d)
            {
                var shape = OutShape(d);
                var values = new List<double>();
                var pos = new int[d.Length];
                var stride = new int[t.Shape.Length];
                int st = 1;
                for (int i = t.Shape.Length - 1; i >= 0; i--)
                {
                    stride[i] = st;
                    st *= t.Shape[i];
                }

                long total = d.Aggregate(1L, (acc, s) => acc * s.Count);
                for (long e = 0; e < total; e++)
                {
                    int src = 0;
                    for (int i = 0; i < d.Length; i++) src += (d[i].Start + (pos[i] * d[i].Step)) * stride[i];
                    values.Add(t[src]);
                    for (int i = d.Length - 1; i >= 0; i--)
                    {
                        if (++pos[i] < d[i].Count) break;
                        pos[i] = 0;
                    }
                }

                return ConstTensor.FromDoubles(t.Type, shape, values);
            }

            return new ConstValue(Slice(c.A, d1), c.IsStatic && begin.IsStatic && end.IsStatic ? null : Slice(c.Probe(1), d2));
        }

        if (x is not TensorValue t || !begin.IsStatic || !end.IsStatic || !strides.IsStatic) throw NotSupported("StridedSlice of a run-time value with slice bounds that depend on the batch size");
        var opts = OperatorOptions.For(BuiltinOperator.STRIDED_SLICE)!;
        foreach (var key in (string[])["begin_mask", "end_mask", "shrink_axis_mask"]) opts[key] = (int)IntAttr(n, key, 0);
        int bt = AddInt32Constant(n.Name + "/begin", begin.A.ToInt32s(), [begin.A.Count]);
        int et = AddInt32Constant(n.Name + "/end", end.A.ToInt32s(), [end.A.Count]);
        int stt = AddInt32Constant(n.Name + "/strides", strides.A.ToInt32s(), [strides.A.Count]);
        return Emit(BuiltinOperator.STRIDED_SLICE, [t.Tensor, bt, et, stt], t.Type, OutShape(d1), OutShape(d2), opts);
    }
}
