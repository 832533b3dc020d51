namespace ModelOptimization.Core.Graph;

/// <summary>
/// Marks a property that describes how a model was laid out or where it came from, not what it computes:
/// <see cref="ModelComparer"/> does not compare it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LayoutAttribute : Attribute
{
}
