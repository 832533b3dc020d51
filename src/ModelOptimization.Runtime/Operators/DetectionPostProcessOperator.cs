using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// The TFLite_Detection_PostProcess custom op (SSD): decodes center-size box encodings against anchors, then
/// selects detections with fast (per-anchor top classes) or regular (per-class) non-max suppression, as TFLite's
/// detection_postprocess.cc. Inputs: box encodings [1, boxes, ≥4], class scores [1, boxes, classes(+1)],
/// anchors [boxes, 4] (float or uint8). Outputs: boxes, classes, scores, count (float).
/// </summary>
internal sealed class DetectionPostProcessOperator : OperatorKernel
{
    private int _maxDetections, _maxClassesPerDetection, _detectionsPerClass, _numClasses;
    private bool _regular;
    private float _scoreThreshold, _iouThreshold, _yScale, _xScale, _hScale, _wScale;
    private float[] _decoded = [];
    private float[] _scores = [];

    public override void Prepare(KernelContext ctx)
    {
        var o = FlexBufferMap.Parse(ctx.Op.CustomOptions is { } options ? options.Span : default);
        _maxDetections = o.GetInt("max_detections");
        _maxClassesPerDetection = o.GetInt("max_classes_per_detection");
        _detectionsPerClass = o.GetInt("detections_per_class", 100);
        _regular = o.GetBool("use_regular_nms");
        _scoreThreshold = o.GetFloat("nms_score_threshold");
        _iouThreshold = o.GetFloat("nms_iou_threshold");
        _numClasses = o.GetInt("num_classes");
        _yScale = o.GetFloat("y_scale");
        _xScale = o.GetFloat("x_scale");
        _hScale = o.GetFloat("h_scale");
        _wScale = o.GetFloat("w_scale");
        ctx.Require(ctx.InputCount == 3 && ctx.OutputCount == 4, "it needs 3 inputs and 4 outputs");
        var boxes = ctx.Input(0);
        var classes = ctx.Input(1);
        var anchors = ctx.Input(2);
        ctx.Require(boxes.Rank == 3 && classes.Rank == 3 && anchors.Rank == 2, "inputs must be [1,N,4], [1,N,C], [N,4]");
        ctx.Require(boxes.Dim(0) == 1 && classes.Dim(0) == 1 && boxes.Dim(2) >= 4, "batch must be 1 and boxes need 4 coordinates");
        ctx.Require(boxes.Type is TensorType.Float32 or TensorType.UInt8 && classes.Type is TensorType.Float32 or TensorType.UInt8,
            "box encodings and class predictions must be float32 or uint8");
        ctx.Require(_iouThreshold > 0 && _iouThreshold <= 1 && _maxDetections >= 0, "invalid NMS thresholds");
        int withBackground = classes.Dim(2);
        ctx.Require(withBackground - _numClasses is 0 or 1, "class predictions must have num_classes or num_classes + 1 columns");
        int detected = _maxDetections * _maxClassesPerDetection;
        ctx.SetOutputShape(0, [1, detected, 4]);
        ctx.SetOutputShape(1, [1, detected]);
        ctx.SetOutputShape(2, [1, detected]);
        ctx.SetOutputShape(3, [1]);
        _decoded = new float[boxes.Dim(1) * 4];
        _scores = new float[classes.Dim(1) * withBackground];
    }

    public override void Eval(KernelContext ctx)
    {
        var boxes = ctx.Input(0);
        var classes = ctx.Input(1);
        var anchors = ctx.Input(2);
        int numBoxes = boxes.Dim(1);
        int coords = boxes.Dim(2);
        for (int i = 0; i < numBoxes; i++)
        {
            float y = Value(boxes, i * coords), x = Value(boxes, i * coords + 1), h = Value(boxes, i * coords + 2), w = Value(boxes, i * coords + 3);
            float ay = Value(anchors, i * 4), ax = Value(anchors, i * 4 + 1), ah = Value(anchors, i * 4 + 2), aw = Value(anchors, i * 4 + 3);
            float yc = (float)((double)y / _yScale * ah + ay);
            float xc = (float)((double)x / _xScale * aw + ax);
            float halfH = (float)(0.5 * Math.Exp((double)h / _hScale) * ah);
            float halfW = (float)(0.5 * Math.Exp((double)w / _wScale) * aw);
            _decoded[i * 4] = yc - halfH;
            _decoded[i * 4 + 1] = xc - halfW;
            _decoded[i * 4 + 2] = yc + halfH;
            _decoded[i * 4 + 3] = xc + halfW;
        }

        for (int i = 0; i < _scores.Length; i++)
        {
            // Class scores go through TFLite's Dequantize (scale as double); boxes and anchors through its float Dequantizer.
            _scores[i] = classes.Type == TensorType.Float32 ? classes.Read<float>()[i] : (float)(classes.Scale * (double)(classes.Read<byte>()[i] - classes.ZeroPoint));
        }

        var outBoxes = ctx.Output(0).Write<float>();
        var outClasses = ctx.Output(1).Write<float>();
        var outScores = ctx.Output(2).Write<float>();
        outBoxes.Clear();
        outClasses.Clear();
        outScores.Clear();
        int withBackground = classes.Dim(2);
        int labelOffset = withBackground - _numClasses;
        ctx.Output(3).Write<float>()[0] = _regular
            ? RegularNms(numBoxes, withBackground, labelOffset, outBoxes, outClasses, outScores, ctx)
            : FastNms(numBoxes, withBackground, labelOffset, outBoxes, outClasses, outScores, ctx);
    }

    private static float Value(RuntimeTensor t, int i) => t.Type == TensorType.Float32
        ? t.Read<float>()[i]
        : ((float)t.Read<byte>()[i] - t.ZeroPoint) * t.Scale;

    private int FastNms(int numBoxes, int withBackground, int labelOffset, Span<float> outBoxes, Span<float> outClasses, Span<float> outScores, KernelContext ctx)
    {
        int perAnchor = Math.Min(_maxClassesPerDetection, _numClasses);
        ctx.Require(_maxClassesPerDetection > 0, "max_classes_per_detection must be positive");
        var maxScores = new float[numBoxes];
        var sortedClasses = new int[numBoxes * _numClasses];
        for (int row = 0; row < numBoxes; row++)
        {
            int baseIndex = row * withBackground + labelOffset;
            var order = sortedClasses.AsSpan(row * _numClasses, _numClasses);
            if (perAnchor == 1)
            {
                int best = 0;
                for (int c = 1; c < _numClasses; c++)
                {
                    if (_scores[baseIndex + c] > _scores[baseIndex + best]) best = c;
                }

                order[0] = best;
            }
            else
            {
                var idx = Enumerable.Range(0, _numClasses).OrderByDescending(c => _scores[baseIndex + c]).ToArray();
                idx.CopyTo(order);
            }

            maxScores[row] = _scores[baseIndex + order[0]];
        }

        var selected = SingleClassNms(maxScores, _maxDetections, ctx);
        int outIndex = 0;
        foreach (int s in selected)
        {
            for (int col = 0; col < perAnchor; col++)
            {
                int offset = _maxClassesPerDetection * outIndex + col;
                _decoded.AsSpan(s * 4, 4).CopyTo(outBoxes.Slice(offset * 4, 4));
                int cls = sortedClasses[s * _numClasses + col];
                outClasses[offset] = cls;
                outScores[offset] = _scores[s * withBackground + labelOffset + cls];
            }

            outIndex++;
        }

        return outIndex;
    }

    private int RegularNms(int numBoxes, int withBackground, int labelOffset, Span<float> outBoxes, Span<float> outClasses, Span<float> outScores, KernelContext ctx)
    {
        int perClass = Math.Min(_detectionsPerClass, _maxDetections);
        ctx.Require(perClass > 0, "detections_per_class must be positive");
        var result = new List<(int Index, float Score)>();
        var classScores = new float[numBoxes];
        for (int col = 0; col < _numClasses; col++)
        {
            for (int row = 0; row < numBoxes; row++) classScores[row] = _scores[row * withBackground + col + labelOffset];
            var selected = SingleClassNms(classScores, perClass, ctx);
            if (selected.Count == 0) continue;
            var merged = result.Concat(selected.Select(s => (s * withBackground + col + labelOffset, classScores[s])))
                .Select((v, order) => (v, order))
                .OrderByDescending(p => p.v.Item2).ThenBy(p => p.order)
                .Select(p => p.v).ToList();
            result = merged.Take(_maxDetections).ToList();
        }

        for (int i = 0; i < result.Count; i++)
        {
            int anchor = result[i].Index / withBackground;
            int cls = result[i].Index - anchor * withBackground - labelOffset;
            _decoded.AsSpan(anchor * 4, 4).CopyTo(outBoxes.Slice(i * 4, 4));
            outClasses[i] = cls;
            outScores[i] = result[i].Score;
        }

        return result.Count;
    }

    /// <summary>Greedy NMS on one score list: keep above the threshold, sort (stable, descending), drop overlaps.</summary>
    private List<int> SingleClassNms(float[] scores, int maxDetections, KernelContext ctx)
    {
        for (int i = 0; i < _decoded.Length; i += 4)
        {
            if (_decoded[i] > _decoded[i + 2] || _decoded[i + 1] > _decoded[i + 3]) throw ctx.NotSupported("a decoded box has min > max");
        }

        var keep = new List<int>();
        for (int i = 0; i < scores.Length; i++)
        {
            if (scores[i] >= _scoreThreshold) keep.Add(i);
        }

        var sorted = keep.OrderByDescending(i => scores[i]).ToArray();
        int outputSize = Math.Min(sorted.Length, maxDetections);
        var selected = new List<int>();
        var active = Enumerable.Repeat(true, sorted.Length).ToArray();
        int numActive = sorted.Length;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (numActive == 0 || selected.Count >= outputSize) break;
            if (!active[i]) continue;
            selected.Add(sorted[i]);
            active[i] = false;
            numActive--;
            for (int j = i + 1; j < sorted.Length; j++)
            {
                if (active[j] && Iou(sorted[i], sorted[j]) > _iouThreshold)
                {
                    active[j] = false;
                    numActive--;
                }
            }
        }

        return selected;
    }

    private float Iou(int i, int j)
    {
        var a = _decoded.AsSpan(i * 4, 4);
        var b = _decoded.AsSpan(j * 4, 4);
        float areaI = (a[2] - a[0]) * (a[3] - a[1]);
        float areaJ = (b[2] - b[0]) * (b[3] - b[1]);
        if (areaI <= 0 || areaJ <= 0) return 0f;
        float ymin = Math.Max(a[0], b[0]), xmin = Math.Max(a[1], b[1]);
        float ymax = Math.Min(a[2], b[2]), xmax = Math.Min(a[3], b[3]);
        float inter = Math.Max(ymax - ymin, 0f) * Math.Max(xmax - xmin, 0f);
        return inter / (areaI + areaJ - inter);
    }
}
