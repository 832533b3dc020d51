using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;

/// <summary>
/// <c>Import-Dataset</c>: opens IDX, .npy, CSV and image files (or folders of images) as datasets, one object per
/// path. The object streams its samples when Invoke-Model, calibration or the debugger read it; nothing but the
/// header (and the labels) is read here.
/// </summary>
[Cmdlet(VerbsData.Import, "Dataset", DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileDataset))]
public sealed class ImportDatasetCommand : ModelCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private DatasetOptions _options = DatasetOptions.Default;

    /// <summary>Dataset files or image folders; wildcards are expanded (one dataset per match).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Paths taken exactly as written; binds PSPath from Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The shape of one sample, e.g. 1,28,28,1.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(1, int.MaxValue)]
    public int[]? Shape { get; set; }

    /// <summary>Multiplies every stored value.</summary>
    [Parameter]
    public double Scale { get; set; } = 1;

    /// <summary>Added after scaling.</summary>
    [Parameter]
    public double Offset { get; set; }

    /// <summary>The element type of the samples.</summary>
    [Parameter]
    [ValidateSet(nameof(TensorType.Float32), nameof(TensorType.Float64), nameof(TensorType.Float16), nameof(TensorType.Int8),
        nameof(TensorType.UInt8), nameof(TensorType.Int16), nameof(TensorType.Int32), nameof(TensorType.Int64), IgnoreCase = true)]
    public TensorType DataType { get; set; } = TensorType.Float32;

    /// <summary>At most this many samples.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int First { get; set; }

    /// <summary>Samples to leave out at the start.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Skip { get; set; }

    /// <summary>Height and width images are resized to.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    [ValidateRange(1, 65536)]
    public int[]? Resize { get; set; }

    protected override void BeginProcessing()
    {
        _options = new DatasetOptions
        {
            Shape = Shape,
            Scale = Scale,
            Offset = Offset,
            DataType = DataType,
            First = MyInvocation.BoundParameters.ContainsKey(nameof(First)) ? First : null,
            Skip = Skip,
            Resize = Resize,
        };
        try
        {
            _options.Validate();
        }
        catch (ModelOptimizationException ex)
        {
            ThrowModelError(ex);
        }
    }

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string path in ResolveInputPaths(literal ? LiteralPath : Path, literal))
        {
            ThrowIfStopping();
            WriteVerbose($"Opening dataset '{path}'.");
            FileDataset dataset;
            try
            {
                dataset = DatasetReader.Open(path, _options);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteModelError(ex, path, ErrorIds.DatasetReadFailed, ErrorCategory.ReadError);
                continue;
            }

            WriteVerbose($"Opened {dataset}.");
            WriteObject(dataset);
        }
    }
}
