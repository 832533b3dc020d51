using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Expands a constant stored in TFLite's sparse format (TACO-style traversal order, block map and per-level
/// dense/CSR metadata) into its dense row-major bytes, as TFLite's FormatConverter::SparseToDense does, with
/// every segment and index checked against the dense shape.
/// </summary>
internal static class SparseDensifier
{
    public static byte[] Densify(string tensorName, int[] denseShape, int elementSize, SparsityParameters sparsity, ReadOnlySpan<byte> values)
    {
        int rank = denseShape.Length;
        int[] traversal = sparsity.TraversalOrder ?? Enumerable.Range(0, rank).ToArray();
        int[] blockMap = sparsity.BlockMap ?? [];
        var meta = sparsity.DimMetadata ?? throw Invalid(tensorName, "no dimension metadata");
        if (meta.Count != traversal.Length || traversal.Length != rank + blockMap.Length)
        {
            throw Invalid(tensorName, $"{meta.Count} metadata levels for traversal order of {traversal.Length} and rank {rank} + {blockMap.Length} block dims");
        }

        var blockSize = new int[blockMap.Length];
        for (int b = 0; b < blockMap.Length; b++) blockSize[b] = meta[traversal[rank + b]].DenseSize;

        long denseCount = 1;
        foreach (int d in denseShape) denseCount *= d;
        var dense = new byte[checked((int)(denseCount * elementSize))];
        var strides = new long[rank];
        long acc = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            strides[i] = acc;
            acc *= denseShape[i];
        }

        var indices = new int[traversal.Length];
        var origIdx = new int[rank];
        int src = 0;
        int valueCount = values.Length / elementSize;

        void Populate(ReadOnlySpan<byte> vals, Span<byte> dst, int level, int prevIdx)
        {
            if (level == indices.Length)
            {
                int i = 0;
                for (; i < rank; i++) origIdx[traversal[i]] = indices[i];
                for (; i < indices.Length; i++)
                {
                    int blockIdx = traversal[i] - rank;
                    int dim = blockMap[blockIdx];
                    origIdx[dim] = origIdx[dim] * blockSize[blockIdx] + indices[i];
                }

                long flat = 0;
                for (int d = 0; d < rank; d++)
                {
                    if ((uint)origIdx[d] >= (uint)denseShape[d]) throw Invalid(tensorName, $"index {origIdx[d]} out of range for dimension {d} of size {denseShape[d]}");
                    flat += origIdx[d] * strides[d];
                }

                if (src >= valueCount) throw Invalid(tensorName, $"metadata addresses more than the {valueCount} stored values");
                vals.Slice(src * elementSize, elementSize).CopyTo(dst.Slice((int)(flat * elementSize), elementSize));
                src++;
                return;
            }

            var m = meta[level];
            if (m.Format == DimensionType.Dense)
            {
                int n = m.DenseSize;
                for (int i = 0; i < n; i++)
                {
                    indices[level] = i;
                    Populate(vals, dst, level + 1, prevIdx * n + i);
                }
            }
            else
            {
                int[] seg = m.ArraySegments?.Values ?? throw Invalid(tensorName, $"level {level} has no segments");
                int[] idx = m.ArrayIndices?.Values ?? throw Invalid(tensorName, $"level {level} has no indices");
                if (prevIdx + 1 >= seg.Length) throw Invalid(tensorName, $"segment {prevIdx} out of range at level {level}");
                int from = seg[prevIdx], to = seg[prevIdx + 1];
                if (from < 0 || to < from || to > idx.Length) throw Invalid(tensorName, $"bad segment [{from}, {to}) at level {level}");
                for (int i = from; i < to; i++)
                {
                    indices[level] = idx[i];
                    Populate(vals, dst, level + 1, i);
                }
            }
        }

        Populate(values, dense, 0, 0);
        return dense;
    }

    private static ModelOptimizationException Invalid(string name, string what)
        => new(ErrorIds.ModelValidationFailed, ErrorKind.InvalidData, $"Sparse tensor '{name}' is malformed: {what}.", name,
            "Re-export the model; its sparsity metadata does not describe the tensor.");
}
