using Google.Protobuf;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Reads a TensorFlow SavedModel folder (saved_model.pb, variables/, assets/, fingerprint.pb) into a
/// <see cref="Model"/> of format <see cref="ModelFormat.SavedModel"/>. The TensorFlow graph form is
/// <see cref="SavedModelDocument.Graph"/>, the document is <see cref="Model.Storage"/>. Variable values are views
/// over the data shards (memory-mapped when large); every block and tensor checksum is verified. Malformed files
/// raise ModelParseFailed naming the file and byte offset; inconsistent content raises ModelValidationFailed.
/// </summary>
public static class SavedModelReader
{
    public const string SavedModelFileName = "saved_model.pb";
    public const string SavedModelTextFileName = "saved_model.pbtxt";
    public const string FingerprintFileName = "fingerprint.pb";
    public const string VariablesFolderName = "variables";
    public const string VariablesPrefix = "variables";

    /// <summary>True when <paramref name="path"/> is a folder holding saved_model.pb or saved_model.pbtxt.</summary>
    public static bool IsSavedModel(string path)
        => Directory.Exists(path) && (File.Exists(Path.Combine(path, SavedModelFileName)) || File.Exists(Path.Combine(path, SavedModelTextFileName)));

    /// <summary>Reads the SavedModel in <paramref name="folder"/> (or the folder of a saved_model.pb path).</summary>
    public static Model Read(string folder, SavedModelReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new SavedModelReadOptions();
        string full = Path.GetFullPath(folder);
        if (File.Exists(full) && string.Equals(Path.GetFileName(full), SavedModelFileName, StringComparison.Ordinal))
        {
            full = Path.GetDirectoryName(full)!;
        }

        if (!Directory.Exists(full)) throw SavedModelErrors.NotFound(full, $"The SavedModel folder '{full}' does not exist.");
        string pbPath = Path.Combine(full, SavedModelFileName);
        if (!File.Exists(pbPath))
        {
            if (File.Exists(Path.Combine(full, SavedModelTextFileName)))
            {
                throw SavedModelErrors.Unsupported(full, $"'{full}' holds a text-format saved_model.pbtxt; only binary saved_model.pb is supported.");
            }

            throw SavedModelErrors.NotFound(full, $"'{full}' holds no {SavedModelFileName}; it is not a SavedModel.");
        }

        byte[] pb = File.ReadAllBytes(pbPath);
        var message = ParseSavedModel(pb, pbPath);
        if (message.MetaGraphs.Count == 0) throw SavedModelErrors.Validation(pbPath, "saved_model.pb holds no MetaGraph");
        int mgIndex = SelectMetaGraph(message, options.Tags, pbPath);

        string prefix = Path.Combine(full, VariablesFolderName, VariablesPrefix);
        string indexPath = prefix + ".index";
        var bundle = File.Exists(indexPath) ? TensorBundle.Read(prefix, options.VerifyChecksums) : null;
        var graph = SavedModelGraphBuilder.Build(message.MetaGraphs[mgIndex], bundle, pbPath, bundle is null ? null : indexPath);

        string fpPath = Path.Combine(full, FingerprintFileName);
        byte[]? fingerprint = File.Exists(fpPath) ? File.ReadAllBytes(fpPath) : null;

        var others = new List<string>();
        long total = 0;
        foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
        {
            total += new FileInfo(file).Length;
            string rel = Path.GetRelativePath(full, file).Replace('\\', '/');
            if (rel == SavedModelFileName || rel == FingerprintFileName || rel == $"{VariablesFolderName}/{VariablesPrefix}.index"
                || rel.StartsWith($"{VariablesFolderName}/{VariablesPrefix}.data-", StringComparison.Ordinal))
            {
                continue;
            }

            others.Add(rel);
        }

        others.Sort(StringComparer.Ordinal);
        var doc = new SavedModelDocument(full, message, mgIndex, graph)
        {
            Bundle = bundle,
            OriginalBytes = pb,
            Fingerprint = fingerprint,
            OtherFiles = others,
        };

        return new Model
        {
            Name = Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)),
            Format = ModelFormat.SavedModel,
            SourcePath = full,
            FileSize = total,
            Storage = doc,
            TensorFlowGraph = graph,
        };
    }

    /// <summary>The SavedModel document of a model read by this reader, or null.</summary>
    public static SavedModelDocument? DocumentOf(Model model) => model.Storage as SavedModelDocument;

    internal static Protos.SavedModel ParseSavedModel(byte[] pb, string path)
    {
        var input = new CodedInputStream(pb);
        try
        {
            var message = new Protos.SavedModel();
            message.MergeFrom(input);
            return message;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw SavedModelErrors.Parse(path, input.Position, $"malformed protobuf: {ex.Message}", ex);
        }
    }

    private static int SelectMetaGraph(Protos.SavedModel message, IReadOnlyList<string>? tags, string pbPath)
    {
        var mgs = message.MetaGraphs;
        if (tags is null || tags.Count == 0)
        {
            for (int i = 0; i < mgs.Count; i++)
            {
                if (mgs[i].MetaInfoDef?.Tags.Contains("serve") == true) return i;
            }

            return 0;
        }

        for (int i = 0; i < mgs.Count; i++)
        {
            var have = mgs[i].MetaInfoDef?.Tags;
            if (have is not null && tags.All(have.Contains)) return i;
        }

        var available = string.Join("; ", mgs.Select(m => "[" + string.Join(",", m.MetaInfoDef?.Tags ?? (IEnumerable<string>)[]) + "]"));
        throw SavedModelErrors.Validation(pbPath, $"no MetaGraph has the tags [{string.Join(",", tags)}]; available: {available}");
    }
}
