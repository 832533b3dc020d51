using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Tests.Helpers;

/// <summary>
/// Makes a batch-N copy of a batch-1 model (every activation's leading 1 becomes N, and so does the leading 1 of
/// RESHAPE targets), so an independent runtime evaluates many samples per process call.
/// </summary>
internal static class Batching
{
    public static Model Make(Model model, int n)
    {
        var c = model.Clone();
        foreach (var sg in c.Subgraphs)
        {
            foreach (var t in sg.Tensors)
            {
                if (c.IsConstant(t)) continue;
                if (t.Shape.Length > 0 && t.Shape[0] == 1)
                {
                    t.Shape = [n, .. t.Shape[1..]];
                    t.ShapeSignature = null;
                }
            }

            foreach (var op in sg.Operators)
            {
                if (c.CodeOf(op).Op != BuiltinOperator.RESHAPE) continue;
                if (op.Inputs.Length > 1 && op.Inputs[1] >= 0)
                {
                    var st = sg.Tensors[op.Inputs[1]];
                    var v = MemoryMarshal.Cast<byte, int>(c.DataOf(st).Span).ToArray();
                    if (v.Length > 0 && v[0] == 1)
                    {
                        v[0] = n;
                        st.Buffer = c.AddBuffer(MemoryMarshal.AsBytes(v.AsSpan()).ToArray());
                    }
                }

                if (op.BuiltinOptions is { } o && o.Has("new_shape") && o.GetInt32Array("new_shape") is { Length: > 0 } ns && ns[0] == 1)
                {
                    var x = ns.ToArray();
                    x[0] = n;
                    o["new_shape"] = x;
                }
            }
        }

        return c;
    }
}
