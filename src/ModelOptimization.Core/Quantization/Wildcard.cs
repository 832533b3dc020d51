using System.Text;
using System.Text.RegularExpressions;

namespace ModelOptimization.Core.Quantization;

/// <summary>PowerShell-style wildcard matching (<c>*</c>, <c>?</c>, <c>[abc]</c>), case-insensitive.</summary>
public static class Wildcard
{
    /// <summary>True when the pattern contains a wildcard character.</summary>
    public static bool HasWildcard(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;

    public static bool IsMatch(string text, string pattern) => ToRegex(pattern).IsMatch(text);

    public static Regex ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            switch (c)
            {
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '`' when i + 1 < pattern.Length: sb.Append(Regex.Escape(pattern[++i].ToString())); break;
                case '[':
                    int end = pattern.IndexOf(']', i + 1);
                    if (end < 0) { sb.Append("\\["); break; }
                    sb.Append('[').Append(pattern[(i + 1)..end].Replace("\\", "\\\\")).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }
}
