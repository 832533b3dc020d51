using BenchmarkDotNet.Attributes;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// TFLite import (from the file, and from bytes already in memory: the parse alone) and export (serialization to a
/// null stream, and to a file through the temporary-sibling path) of two real models. Models come from
/// MODELOPT_SHARED_MODELS or &lt;repo&gt;/../shared/models.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class TfliteIoBenchmarks
{
    private string _path = "";
    private byte[] _bytes = [];
    private Model _model = null!;
    private string _output = "";

    [Params("mobilenet_v1_0.25_224_float", "deeplabv3_mnv2_257_float")]
    public string ModelName { get; set; } = "mobilenet_v1_0.25_224_float";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Data.SharedModels() ?? throw new DirectoryNotFoundException("ModelOpt.sln not found above the benchmark; set MODELOPT_SHARED_MODELS."), "tflite", ModelName + ".tflite");
        if (!File.Exists(_path)) throw new FileNotFoundException($"Benchmark model not found (set MODELOPT_SHARED_MODELS).", _path);
        _bytes = File.ReadAllBytes(_path);
        _model = TfliteReader.Read(_path);
        _output = Path.Combine(Path.GetTempPath(), $"modelopt-bench-{Environment.ProcessId}-{ModelName}.tflite");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_output);

    [Benchmark]
    public Model ImportFile() => TfliteReader.Read(_path);

    [Benchmark]
    public Model ImportBytes() => TfliteReader.Read(_bytes, ModelName);

    [Benchmark]
    public long ExportStream()
    {
        var counter = new CountingStream();
        TfliteWriter.Write(_model, counter);
        return counter.Length;
    }

    [Benchmark]
    public void ExportFile() => TfliteWriter.WriteFile(_model, _output);

    /// <summary>A write-only stream that only counts bytes (serialization cost without I/O).</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
    }
}
