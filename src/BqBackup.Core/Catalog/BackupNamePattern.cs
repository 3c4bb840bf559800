using System;
using System.Collections.Generic;
using System.Text;

namespace BqBackup.Catalog
{
    /// <summary>
    /// A -Name as PowerShell's wildcard rules read it (WildcardPattern with IgnoreCase), without
    /// System.Management.Automation: case-insensitive (invariant culture); <c>*</c> any run of
    /// characters, <c>?</c> exactly one, <c>[abc]</c> one of a set, <c>[a-z]</c> one of a range
    /// (a <c>]</c> right after the <c>[</c> and a <c>-</c> at either end are literal; there is no
    /// negation); a backtick makes the next character literal, and a trailing backtick is itself.
    /// A <c>[</c> no <c>]</c> closes, or a range whose ends are reversed, is InvalidNamePattern.
    /// </summary>
    public sealed class BackupNamePattern
    {
        private const char Escape = '`';

        private enum Kind { Literal, One, Any, Set }

        private sealed class Element
        {
            public Kind Kind;
            public char Char;
            public List<char> Chars;
            public List<(char lo, char hi)> Ranges;
        }

        private readonly List<Element> elements;

        private BackupNamePattern(string text, List<Element> elements, bool hasWildcards)
        {
            Text = text;
            this.elements = elements;
            HasWildcards = hasWildcards;
        }

        /// <summary>The pattern as given.</summary>
        public string Text { get; }

        /// <summary>
        /// Whether it has an unescaped <c>*</c>, <c>?</c>, <c>[</c> or <c>]</c> (PowerShell's
        /// ContainsWildcardCharacters): a name without them is a literal name, which must match.
        /// </summary>
        public bool HasWildcards { get; }

        public override string ToString() => Text;

        /// <summary>Reads a pattern; InvalidNamePattern (the pattern as target) when it is malformed.</summary>
        public static BackupNamePattern Parse(string pattern)
        {
            if (pattern == null) throw new ArgumentNullException(nameof(pattern));
            var elements = new List<Element>();
            var wild = false;
            var escaped = false;
            var inSet = false;
            var setJustOpened = false;
            StringBuilder setChars = null, setOperators = null;
            foreach (var c in pattern)
            {
                if (inSet)
                {
                    if (c == ']' && !setJustOpened && !escaped)
                    {
                        inSet = false;
                        elements.Add(Set(setChars.ToString(), setOperators.ToString(), pattern));
                    }
                    else if (c != Escape || escaped)
                    {
                        setChars.Append(c);
                        setOperators.Append(c == '-' && !escaped ? '-' : ' ');
                    }
                    setJustOpened = false;
                }
                else if (!escaped && (c == '*' || c == '?'))
                {
                    wild = true;
                    elements.Add(new Element { Kind = c == '*' ? Kind.Any : Kind.One });
                }
                else if (!escaped && c == '[')
                {
                    wild = true;
                    inSet = true;
                    setJustOpened = true;
                    setChars = new StringBuilder();
                    setOperators = new StringBuilder();
                }
                else if (c != Escape || escaped)
                {
                    // An unescaped ']' outside a set matches itself, yet counts as a wildcard character, as in PowerShell.
                    if (c == ']' && !escaped) wild = true;
                    elements.Add(new Element { Kind = Kind.Literal, Char = Fold(c) });
                }
                escaped = c == Escape && !escaped;
            }
            if (inSet)
                throw Invalid(pattern, "a '[' opens a set of characters that no ']' closes");
            // A trailing backtick escapes nothing and is itself (a lone backtick matches nothing but the empty name).
            if (escaped && pattern.Length > 1) elements.Add(new Element { Kind = Kind.Literal, Char = Escape });
            return new BackupNamePattern(pattern, elements, wild);
        }

        /// <summary>
        /// What a name being typed completes to: the pattern itself when it has wildcards, else the
        /// names that start with it. InvalidNamePattern as <see cref="Parse"/>.
        /// </summary>
        public static BackupNamePattern ForCompletion(string typed)
        {
            typed = typed ?? string.Empty;
            var pattern = Parse(typed);
            if (pattern.HasWildcards) return pattern;
            // A trailing backtick escapes the '*' added after it: keep it as the literal it was.
            var trailingEscapes = 0;
            for (var i = typed.Length - 1; i >= 0 && typed[i] == Escape; i--) trailingEscapes++;
            return Parse(typed + (trailingEscapes % 2 == 1 ? "`" : string.Empty) + "*");
        }

        /// <summary>Whether the whole name matches.</summary>
        public bool IsMatch(string name)
        {
            if (name == null) return false;
            // The classic glob walk: every element but '*' takes exactly one character, so
            // backtracking to the last '*' is enough.
            int p = 0, s = 0, star = -1, resume = 0;
            while (s < name.Length)
            {
                if (p < elements.Count && elements[p].Kind == Kind.Any)
                {
                    star = p++;
                    resume = s;
                }
                else if (p < elements.Count && Takes(elements[p], name[s]))
                {
                    p++;
                    s++;
                }
                else if (star >= 0)
                {
                    p = star + 1;
                    s = ++resume;
                }
                else
                {
                    return false;
                }
            }
            while (p < elements.Count && elements[p].Kind == Kind.Any) p++;
            return p == elements.Count;
        }

        private static bool Takes(Element e, char c)
        {
            switch (e.Kind)
            {
                case Kind.One: return true;
                case Kind.Literal: return e.Char == Fold(c);
                case Kind.Set:
                    var folded = Fold(c);
                    foreach (var member in e.Chars) if (member == folded) return true;
                    var upper = char.ToUpperInvariant(c);
                    foreach (var (lo, hi) in e.Ranges)
                        if (In(c, lo, hi) || In(folded, lo, hi) || In(upper, lo, hi)) return true;
                    return false;
                default: return false;
            }
        }

        private static bool In(char c, char lo, char hi) => c >= lo && c <= hi;

        private static char Fold(char c) => char.ToLowerInvariant(c);

        /// <summary>A set's members: x-y is a range when the '-' was not escaped and has a character on both sides.</summary>
        private static Element Set(string chars, string operators, string pattern)
        {
            var e = new Element { Kind = Kind.Set, Chars = new List<char>(), Ranges = new List<(char, char)>() };
            var i = 0;
            while (i < chars.Length)
            {
                if (i + 2 < chars.Length && operators[i + 1] == '-')
                {
                    char lo = chars[i], hi = chars[i + 2];
                    if (lo > hi) throw Invalid(pattern, $"the range '{lo}-{hi}' runs backwards");
                    e.Ranges.Add((lo, hi));
                    i += 3;
                }
                else
                {
                    e.Chars.Add(Fold(chars[i]));
                    i++;
                }
            }
            return e;
        }

        private static BqBackupException Invalid(string pattern, string why) =>
            new BqBackupException(ErrorIds.InvalidNamePattern, BqErrorCategory.InvalidArgument,
                $"The name pattern '{pattern}' is not valid: {why}.", pattern,
                "Close each '[' with a ']' (as in 'backup-2026-0[1-3]-*'), write ranges low to high ('[0-9]'), " +
                "or make a literal [ ] * ? plain with a backtick inside single quotes ('name`[1`]').");
    }
}
