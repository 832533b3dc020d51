namespace ModelOptimization.Core.Validation;

/// <summary>The outcome of <see cref="ModelValidator.Check"/>: errors make a model unusable; warnings do not.</summary>
public sealed record ValidationReport(List<string> Errors, List<string> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}
