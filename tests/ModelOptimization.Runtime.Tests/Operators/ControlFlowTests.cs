using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>WHILE, IF, CALL_ONCE and resource variables (VAR_HANDLE / ASSIGN_VARIABLE / READ_VARIABLE) across subgraphs.</summary>
public sealed class ControlFlowTests
{
    [Fact]
    public void While_CountsAndDoubles()
    {
        var main = new ModelBuilder();
        var cond = main.NewSubgraph();
        var body = main.NewSubgraph();

        int ci = cond.Input(TensorType.Int32, []);
        int ca = cond.Input(TensorType.Float32, [2]);
        int five = cond.Const(TensorType.Int32, [], new[] { 5 });
        int less = cond.Tensor(TensorType.Bool, []);
        cond.Op(BuiltinOperator.LESS, [ci, five], [less]);
        cond.Build(less);
        _ = ca;

        int bi = body.Input(TensorType.Int32, []);
        int ba = body.Input(TensorType.Float32, [2]);
        int one = body.Const(TensorType.Int32, [], new[] { 1 });
        int two = body.Const(TensorType.Float32, [], new[] { 2f });
        int ni = body.Tensor(TensorType.Int32, []);
        int na = body.Tensor(TensorType.Float32, [2]);
        body.Op(BuiltinOperator.ADD, [bi, one], [ni]);
        body.Op(BuiltinOperator.MUL, [ba, two], [na]);
        body.Build(ni, na);

        int i = main.Input(TensorType.Int32, []);
        int a = main.Input(TensorType.Float32, [2]);
        int oi = main.Tensor(TensorType.Int32, []);
        int oa = main.Tensor(TensorType.Float32, [2]);
        main.Op(BuiltinOperator.WHILE, [i, a], [oi, oa], o => { o["cond_subgraph_index"] = cond.SubgraphIndex; o["body_subgraph_index"] = body.SubgraphIndex; });
        using var interpreter = Interpreter.Create(main.Build(oi, oa), new InterpreterOptions());
        interpreter.SetInput(0, new[] { 2 });
        interpreter.SetInput(1, new[] { 1f, -3f });
        interpreter.Invoke();
        Assert.Equal(new[] { 5 }, (int[])interpreter.GetOutput(0).Data);
        Assert.Equal(new[] { 8f, -24f }, (float[])interpreter.GetOutput(1).Data);
    }

    [Theory]
    [InlineData(true, 4f)]
    [InlineData(false, 6f)]
    public void If_RunsTheSelectedBranch(bool condition, float expected)
    {
        var main = new ModelBuilder();
        var then = main.NewSubgraph();
        var otherwise = main.NewSubgraph();
        int tx = then.Input(TensorType.Float32, [1]);
        int tone = then.Const(TensorType.Float32, [1], new[] { 1f });
        int ty = then.Tensor(TensorType.Float32, [1]);
        then.Op(BuiltinOperator.ADD, [tx, tone], [ty]);
        then.Build(ty);
        int ex = otherwise.Input(TensorType.Float32, [1]);
        int etwo = otherwise.Const(TensorType.Float32, [1], new[] { 2f });
        int ey = otherwise.Tensor(TensorType.Float32, [1]);
        otherwise.Op(BuiltinOperator.MUL, [ex, etwo], [ey]);
        otherwise.Build(ey);

        int c = main.Input(TensorType.Bool, []);
        int x = main.Input(TensorType.Float32, [1]);
        int y = main.Tensor(TensorType.Float32, [1]);
        main.Op(BuiltinOperator.IF, [c, x], [y], o => { o["then_subgraph_index"] = then.SubgraphIndex; o["else_subgraph_index"] = otherwise.SubgraphIndex; });
        var result = ModelBuilder.RunSingle(main.Build(y), null, new[] { condition }, new[] { 3f });
        Assert.Equal(new[] { expected }, (float[])result.Data);
    }

    [Fact]
    public void CallOnce_InitializesResourceVariable_ThatPersistsAcrossInvokes()
    {
        var main = new ModelBuilder();
        var init = main.NewSubgraph();
        int ih = init.Tensor(TensorType.Resource, []);
        int zero = init.Const(TensorType.Float32, [2], new[] { 10f, 20f });
        init.Op(BuiltinOperator.VAR_HANDLE, [], [ih], o => { o["container"] = ""; o["shared_name"] = "acc"; });
        init.Op(BuiltinOperator.ASSIGN_VARIABLE, [ih, zero], []);
        init.Build();

        int x = main.Input(TensorType.Float32, [2]);
        int h = main.Tensor(TensorType.Resource, []);
        int v = main.Tensor(TensorType.Float32, [2]);
        int sum = main.Tensor(TensorType.Float32, [2]);
        main.Op(BuiltinOperator.CALL_ONCE, [], [], o => o["init_subgraph_index"] = init.SubgraphIndex);
        main.Op(BuiltinOperator.VAR_HANDLE, [], [h], o => { o["container"] = ""; o["shared_name"] = "acc"; });
        main.Op(BuiltinOperator.READ_VARIABLE, [h], [v]);
        main.Op(BuiltinOperator.ADD, [v, x], [sum]);
        main.Op(BuiltinOperator.ASSIGN_VARIABLE, [h, sum], []);
        using var interpreter = Interpreter.Create(main.Build(sum), new InterpreterOptions());
        interpreter.SetInput(0, new[] { 1f, 2f });
        interpreter.Invoke();
        Assert.Equal(new[] { 11f, 22f }, (float[])interpreter.GetOutput(0).Data);
        interpreter.Invoke();
        Assert.Equal(new[] { 12f, 24f }, (float[])interpreter.GetOutput(0).Data);
    }
}
