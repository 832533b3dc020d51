namespace ModelOptimization.Kernels.Tests;

[Collection(SimdPathCollection.Name)]
public class IsaTests
{
    [Fact]
    public void MaxVectorBits_Lowered_NarrowsEveryPath()
    {
        SimdPaths.ForEach(bits =>
        {
            Assert.True(Isa.FloatBits <= bits);
            Assert.True(Isa.Int16PairBits <= bits);
            Assert.True(Isa.ElementwiseBits <= bits);
        });
    }
}
