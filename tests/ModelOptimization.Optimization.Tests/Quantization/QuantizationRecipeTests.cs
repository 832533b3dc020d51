using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;

namespace ModelOptimization.Optimization.Tests.Quantization;

public class QuantizationRecipeTests
{
    [Fact]
    public void RoundTrip_KeepsEveryField()
    {
        var plan = new QuantizationPlan();
        plan.Rules.Add(new LayerRule { Name = ["conv*", "dense"], Pattern = "dense_1$", OpType = ["SOFTMAX"], Index = [3, 4], Subgraph = 0, Reason = "why" });
        plan.Rules.Add(new LayerRule { OpType = ["FULLY_CONNECTED"], Action = LayerRuleAction.Include, Mode = "Int16x8" });
        var back = QuantizationRecipe.FromJson(QuantizationRecipe.ToJson(plan));
        Assert.Equal(2, back.Rules.Count);
        Assert.Equal(plan.Rules[0].ToString(), back.Rules[0].ToString());
        Assert.Equal(plan.Rules[1].ToString(), back.Rules[1].ToString());
        Assert.Equal(0, back.Rules[0].Subgraph);
        Assert.Equal(new[] { 3, 4 }, back.Rules[0].Index);
    }

    [Fact]
    public void AiEdgeQuantizerStyleList_IsUnderstood()
    {
        const string json = """
            [ { "regex": ".*", "operation": "*", "algorithm_key": "min_max_uniform_quantize" },
              { "regex": "dense_1", "operation": "FULLY_CONNECTED", "algorithm_key": "no_quantize" } ]
            """;
        var plan = QuantizationRecipe.FromJson(json);
        Assert.Equal(LayerRuleAction.Include, plan.Rules[0].Action);
        Assert.Null(plan.Rules[0].OpType);
        Assert.Equal(LayerRuleAction.Exclude, plan.Rules[1].Action);
        Assert.Equal(new[] { "FULLY_CONNECTED" }, plan.Rules[1].OpType);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"rules\": 3}")]
    [InlineData("{\"rules\": [ {\"regex\": \"(\"} ]}")]
    [InlineData("{\"rules\": [ {\"nmae\": \"x\"} ]}")]
    [InlineData("{\"rules\": [ {\"action\": \"include\", \"mode\": \"Int3\"} ]}")]
    [InlineData("{\"rules\": [ {\"action\": \"exclude\", \"mode\": \"FullInteger\"} ]}")]
    [InlineData("{\"rules\": [ {\"action\": \"skip\"} ]}")]
    [InlineData("{\"rules\": [ {\"index\": [-1]} ]}")]
    [InlineData("{\"format\": \"x\", \"rules\": []}")]
    [InlineData("42")]
    public void Malformed_RecipeInvalid(string json)
        => Assert.Equal(ErrorIds.RecipeInvalid, Assert.Throws<ModelOptimizationException>(() => QuantizationRecipe.FromJson(json, "r.json")).ErrorId);

    [Fact]
    public void SaveLoad_File()
    {
        var plan = new QuantizationPlan();
        plan.Rules.Add(new LayerRule { OpType = ["SOFTMAX"] });
        using var tmp = new TempDir();
        QuantizationRecipe.Save(plan, tmp.File("r.json"));
        Assert.Single(QuantizationRecipe.Load(tmp.File("r.json")).Rules);
        Assert.Single(Directory.GetFiles(tmp.Path));
    }
}
