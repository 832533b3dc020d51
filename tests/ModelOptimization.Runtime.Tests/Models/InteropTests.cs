using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Tests.Helpers;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Runtime.Tests.Models;

/// <summary>
/// Every shared model that LiteRT.js (or tfjs-tflite, for models with variable tensors) runs is run by our
/// interpreter on the same seeded random inputs: integer outputs must be bit-identical, float outputs within 1e-4
/// of the output's magnitude. Dynamic-range (hybrid) models are compared with LiteRT.js too (our default LiteRt
/// arithmetic runs hybrid CONV_2D/FULLY_CONNECTED as its XNNPACK delegate does, on "qd8" inputs), within 2 %: the
/// run-time input quantization turns a 1e-6 difference upstream (float accumulation order) into an occasional
/// one-step flip, so most inputs match to 1e-6 and a few by up to about 1 %.
/// </summary>
public sealed class InteropTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models() => ModelFiles.All();

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Model_RandomInputs_MatchesReferenceRuntime(string fileName)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason ?? "");
        var model = ModelFiles.Load(fileName);
        var path = ModelFiles.PathOf(fileName);
        var signatures = model.SignatureDefs is { Count: > 1 } sigs ? sigs.Select(s => s.SignatureKey).ToArray() : [null];
        foreach (var signature in signatures)
        {
            Compare(model, path, signature);
        }
    }

    private void Compare(Model model, string path, string? signature)
    {
        Interpreter interpreter;
        try
        {
            interpreter = Interpreter.Create(model, new InterpreterOptions { SignatureKey = signature });
        }
        catch (ModelOptimizationException e) when (e.ErrorId == ErrorIds.OperatorNotSupported)
        {
            // Only acceptable when the reference runtimes cannot run the model either.
            int sg = signature is null ? 0 : (int)model.SignatureDefs!.First(d => d.SignatureKey == signature).SubgraphIndex;
            var probe = RunReference(path, model, signature, RandomInputs.ForModel(model, sg, 1234), out string? runtime);
            Skip.If(!probe.Ok, $"Neither we nor the reference runtimes run this model. We: {e.Message} Reference: {probe.Error}");
            throw new Xunit.Sdk.XunitException($"{runtime} runs the model but we do not: {e.Message}");
        }

        using (interpreter)
        {
            var inputs = RandomInputs.For(interpreter.Inputs, seed: 1234);
            for (int i = 0; i < inputs.Length; i++) interpreter.SetInput(i, inputs[i]);
            interpreter.Invoke();
            var interop = inputs.Select((a, i) => RandomInputs.ToInterop(interpreter.Inputs[i], a)).ToList();
            bool hybrid = IsHybrid(model, interpreter.SubgraphIndex);
            var reference = RunReference(path, model, signature, interop, out string? runtime);
            Skip.If(!reference.Ok, $"No reference runtime runs this model: {reference.Error}");
            Assert.Equal(interpreter.Outputs.Count, reference.Outputs.Count);
            for (int o = 0; o < interpreter.Outputs.Count; o++)
            {
                var ours = interpreter.GetOutput(o);
                var theirs = reference.Outputs[o];
                Assert.Equal(theirs.Shape, ours.Shape);
                var a = RandomInputs.AsDoubles(ours.Data);
                var b = RandomInputs.AsDoubles(theirs);
                Assert.Equal(b.Length, a.Length);
                string what = $"{Path.GetFileName(path)}{(signature is null ? "" : $" [{signature}]")} output {o} '{ours.Name}' vs {runtime}";
                if (ours.DataType == TensorType.Float32)
                {
                    double scale = Math.Max(1e-6, b.Select(Math.Abs).DefaultIfEmpty(0).Max());
                    double worst = a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
                    double tolerance = (hybrid ? 2e-2 : 1e-4) * Math.Max(1, scale);
                    int close = a.Zip(b, (x, y) => Math.Abs(x - y) <= 1e-4 * Math.Max(1, scale)).Count(c => c);
                    output.WriteLine($"{what}: max |diff| {worst:G4} (output magnitude {scale:G4}, tolerance {tolerance:G4}); {close} of {a.Length} within 1e-4");
                    Assert.True(worst <= tolerance, $"{what}: max |diff| {worst:G4} exceeds {tolerance:G4}");
                }
                else
                {
                    int mismatches = a.Zip(b).Count(p => p.First != p.Second);
                    output.WriteLine($"{what}: {mismatches} of {a.Length} values differ");
                    Assert.True(mismatches == 0, $"{what}: {mismatches} of {a.Length} integer values differ (first at {Array.FindIndex(a, i => true)}).");
                }
            }
        }
    }

    private static InteropResult RunReference(string path, Model model, string? signature, IReadOnlyList<InteropTensor> inputs, out string? runtime)
    {
        var options = new InteropOptions { StripShapeSignature = true, Signature = signature };
        var result = InteropRunner.Run("litert", path, inputs, options);
        runtime = "LiteRT.js";
        if (result.Ok) return result;
        bool floatOrIntInputs = inputs.All(t => t.DType is "float32" or "int32" or "uint8");
        if (signature is null && floatOrIntInputs)
        {
            var tfjs = InteropRunner.Run("tfjs", path, inputs, options with { Signature = null });
            if (tfjs.Ok)
            {
                runtime = "tfjs-tflite";
                return tfjs;
            }

            return result with { Error = $"LiteRT.js: {result.Error} | tfjs-tflite: {tfjs.Error}" };
        }

        return result;
    }

    /// <summary>True when a float op takes int8 weights (dynamic-range quantization).</summary>
    private static bool IsHybrid(Model model, int subgraph)
    {
        var sg = model.Subgraphs[subgraph];
        foreach (var op in sg.Operators)
        {
            if (op.Inputs.Length < 2 || op.Inputs[0] < 0 || op.Inputs[1] < 0) continue;
            if (sg.Tensors[op.Inputs[0]].Type == TensorType.Float32 && sg.Tensors[op.Inputs[1]].Type is TensorType.Int8 or TensorType.UInt8
                && model.IsConstant(sg.Tensors[op.Inputs[1]])) return true;
        }

        return false;
    }
}
