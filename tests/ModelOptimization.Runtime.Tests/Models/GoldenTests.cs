using System.Globalization;
using ModelOptimization.Runtime.Tests.Helpers;
using Xunit.Abstractions;

namespace ModelOptimization.Runtime.Tests.Models;

/// <summary>The published expected results of the shared models (see shared/models/SOURCES.md).</summary>
public sealed class GoldenTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void MobilenetQuantUint8_Burger_IsCheeseburger()
    {
        var model = ModelFiles.Load("mobilenet_v1_0.25_224_quant_uint8.tflite");
        var image = Images.Resize(Images.DecodeRgb(ModelFiles.Data("data/images/burger.jpg")), 224, 224);
        using var interpreter = Interpreter.Create(model);
        interpreter.SetInput(0, image.Data);
        interpreter.Invoke();
        var scores = interpreter.GetOutput(0).ToFloats();
        int top = Array.IndexOf(scores, scores.Max());
        output.WriteLine($"top-1 class {top}, score {scores[top]:F4}");
        Assert.Equal(934, top);
        Assert.InRange(scores[top], 0.94f, 0.98f);
    }

    [SkippableTheory]
    [InlineData("person.bmp", true)]
    [InlineData("no_person.bmp", false)]
    public void PersonDetectInt8_Image_ClassifiesPerson(string file, bool person)
    {
        var model = ModelFiles.LoadUnvalidated("person_detect_int8.tflite");
        var image = Images.ReadBmp8(ModelFiles.Data("data/images/" + file));
        foreach (var arithmetic in new[] { QuantizedArithmetic.TfLiteBuiltin, QuantizedArithmetic.LiteRt })
        {
            using var interpreter = Interpreter.Create(model, new InterpreterOptions { QuantizedArithmetic = arithmetic });

            // TFLite Micro's test copies the image bytes into the int8 input as they are (memcpy).
            interpreter.SetInput(0, image.Data.Select(b => unchecked((sbyte)b)).ToArray());
            interpreter.Invoke();
            var scores = (sbyte[])interpreter.GetOutput(0).Data;
            output.WriteLine($"{file} ({arithmetic}): no person {scores[0]}, person {scores[1]}");
            if (person) Assert.True(scores[1] > scores[0]);
            else Assert.True(scores[0] > scores[1]);
        }
    }

    [SkippableFact]
    public void Deeplabv3_SegmentationImage_MatchesGoldenMask()
    {
        var model = ModelFiles.Load("deeplabv3_mnv2_257_float.tflite");
        var image = Images.DecodeRgb(ModelFiles.Data("data/images/segmentation_input_rotation0.jpg"));
        var golden = Images.DecodeGray(ModelFiles.Data("data/golden/deeplabv3_segmentation_golden_rotation0.png"));
        Assert.Equal((257, 257), (image.Width, image.Height));
        using var interpreter = Interpreter.Create(model);
        interpreter.SetInput(0, image.Data.Select(v => (v - 127.5f) / 127.5f).ToArray());
        interpreter.Invoke();
        var logits = (float[])interpreter.GetOutput(0).Data;
        int pixels = 257 * 257, classes = 21, wrong = 0;
        for (int p = 0; p < pixels; p++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (logits[p * classes + c] > logits[p * classes + best]) best = c;
            }

            if (best * 10 != golden.Data[p]) wrong++;
        }

        output.WriteLine($"{wrong} of {pixels} pixels ({100.0 * wrong / pixels:F3} %) differ from the golden mask");
        Assert.True(wrong <= pixels / 100, $"{wrong} pixels differ (more than 1 %)");
    }

    [SkippableFact]
    public void SeanetConvInt16x8_GoldenInput_MatchesGoldenOutputWithinOneLsb()
    {
        var model = ModelFiles.Load("seanet_conv0_int16x8.tflite");
        short[] Csv(string path) => File.ReadAllText(ModelFiles.Data(path)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => short.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var input = Csv("data/seanet/conv0_input0_int16.csv");
        var expected = Csv("data/seanet/conv0_golden_int16.csv");
        foreach (var arithmetic in new[] { QuantizedArithmetic.TfLiteBuiltin, QuantizedArithmetic.LiteRt })
        {
            using var interpreter = Interpreter.Create(model, new InterpreterOptions { QuantizedArithmetic = arithmetic });
            interpreter.SetInput(0, input);
            interpreter.Invoke();
            var actual = (short[])interpreter.GetOutput(0).Data;
            Assert.Equal(expected.Length, actual.Length);
            int maxDiff = actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
            int exact = actual.Zip(expected).Count(p => p.First == p.Second);
            output.WriteLine($"{arithmetic}: {exact} of {expected.Length} exact, max |diff| {maxDiff} LSB");
            Assert.True(maxDiff <= 1, $"max difference {maxDiff} LSB");
        }
    }

    [SkippableFact]
    public void MnistLstmFloat_Samples_ClassifyAsTheirDigit()
    {
        var model = ModelFiles.Load("mnist_lstm_float.tflite");
        using var interpreter = Interpreter.Create(model);
        for (int digit = 0; digit < 10; digit++)
        {
            var image = Images.DecodeGray(ModelFiles.Data($"data/mnist/sample{digit}.png"));
            interpreter.ResetVariables();
            interpreter.SetInput(0, image.Data.Select(v => v / 255f).ToArray());
            interpreter.Invoke();
            var probabilities = (float[])interpreter.GetOutput(0).Data;
            int predicted = Array.IndexOf(probabilities, probabilities.Max());
            output.WriteLine($"sample{digit}.png -> {predicted} ({probabilities[predicted]:F3})");
            Assert.Equal(digit, predicted);
        }
    }

    [SkippableTheory]
    [InlineData("hello_world_float.tflite")]
    [InlineData("hello_world_int8.tflite")]
    public void HelloWorld_Inputs_ApproximateSine(string file)
    {
        var model = ModelFiles.Load(file);
        using var interpreter = Interpreter.Create(model);
        var info = interpreter.Inputs[0];
        double worst = 0;
        for (int i = 0; i <= 20; i++)
        {
            float x = (float)(i * 2 * Math.PI / 20);
            if (info.DataType == Core.Graph.TensorType.Int8)
            {
                float scale = info.Quantization!.Scale![0];
                long zp = info.Quantization.ZeroPoint![0];
                interpreter.SetInput(0, new[] { (sbyte)Math.Clamp(Math.Round(x / scale) + zp, -128, 127) });
            }
            else
            {
                interpreter.SetInput(0, new[] { x });
            }

            interpreter.Invoke();
            float y = interpreter.GetOutput(0).ToFloats()[0];
            worst = Math.Max(worst, Math.Abs(y - Math.Sin(x)));
        }

        output.WriteLine($"{file}: max |y - sin x| = {worst:F3}");
        Assert.True(worst < 0.2, $"max error {worst:F3}");
    }

    [SkippableFact]
    public void SsdMobilenetQuant_CatsAndDogs_FindsCatsAndDog()
    {
        var model = ModelFiles.Load("ssd_mobilenet_v1_coco_quant_uint8.tflite");
        var original = Images.DecodeRgb(ModelFiles.Data("data/images/cats_and_dogs.jpg"));
        var image = Images.Resize(original, 300, 300);
        using var interpreter = Interpreter.Create(model);
        interpreter.SetInput(0, image.Data);
        interpreter.Invoke();
        var boxes = (float[])interpreter.GetOutput(0).Data;
        var classes = (float[])interpreter.GetOutput(1).Data;
        var scores = (float[])interpreter.GetOutput(2).Data;
        int count = (int)((float[])interpreter.GetOutput(3).Data)[0];
        var found = new List<(int Class, float Score, int X, int Y, int W, int H)>();
        for (int i = 0; i < Math.Min(count, 4); i++)
        {
            int x0 = (int)Math.Round(boxes[i * 4 + 1] * original.Width), y0 = (int)Math.Round(boxes[i * 4] * original.Height);
            int x1 = (int)Math.Round(boxes[i * 4 + 3] * original.Width), y1 = (int)Math.Round(boxes[i * 4 + 2] * original.Height);
            found.Add(((int)classes[i], scores[i], x0, y0, x1 - x0, y1 - y0));
            output.WriteLine($"class {(int)classes[i]} score {scores[i]:F3} box ({x0},{y0},{x1 - x0},{y1 - y0})");
        }

        // Expected (TFLite Task library test): cat 0.64 (54,396,393,196); cat 0.61 (602,157,394,447);
        // cat 0.56 (260,394,180,209); dog 0.50 (389,197,278,409).
        var expected = new (int Class, float Score, int X, int Y, int W, int H)[]
        {
            (16, 0.64f, 54, 396, 393, 196), (16, 0.61f, 602, 157, 394, 447), (16, 0.56f, 260, 394, 180, 209), (17, 0.50f, 389, 197, 278, 409),
        };
        foreach (var e in expected)
        {
            Assert.Contains(found, f => f.Class == e.Class && Math.Abs(f.Score - e.Score) < 0.06
                && Math.Abs(f.X - e.X) < 25 && Math.Abs(f.Y - e.Y) < 25 && Math.Abs(f.W - e.W) < 30 && Math.Abs(f.H - e.H) < 30);
        }
    }
}
