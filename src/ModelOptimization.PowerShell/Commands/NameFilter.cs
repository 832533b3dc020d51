namespace ModelOptimization.PowerShell.Commands;

using System.Text.RegularExpressions;
using ModelOptimization.Core.Quantization;

/// <summary>
/// One -Name value of a Get-* cmdlet: a wildcard pattern or a literal name (case-insensitive), remembering whether
/// it matched anything so a literal name that matches nothing can be reported.
/// </summary>
internal sealed class NameFilter
{
    private readonly Regex _regex;

    public NameFilter(string pattern)
    {
        Pattern = pattern;
        HasWildcard = Wildcard.HasWildcard(pattern);
        _regex = Wildcard.ToRegex(pattern);
    }

    public string Pattern { get; }

    public bool HasWildcard { get; }

    public bool Found { get; set; }

    public bool IsMatch(string? name) => name is not null && _regex.IsMatch(name);
}
