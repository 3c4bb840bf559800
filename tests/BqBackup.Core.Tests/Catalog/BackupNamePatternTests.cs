using System;
using BqBackup.Catalog;
using Xunit;

namespace BqBackup.Tests.Catalog
{
    /// <summary>The -Name rule: PowerShell's WildcardPattern with IgnoreCase, case by case (tests/pester/Lookup.Tests.ps1 checks the same table against PowerShell itself).</summary>
    public class BackupNamePatternTests
    {
        private const string Name = "backup-2026-11-24T00-00-00.db.gz";

        private static bool Match(string pattern, string name) => BackupNamePattern.Parse(pattern).IsMatch(name);

        [Theory]
        [InlineData(Name, Name, true)]
        [InlineData("BACKUP-2026-11-24t00-00-00.DB.GZ", Name, true)]
        [InlineData("Backup-2026-11-24T00-00-00.db", Name, false)]
        [InlineData("backup-2026-11-24T00-00-00.db.gz.meta.json", Name, false)]
        [InlineData("", "", true)]
        [InlineData("", "x", false)]
        public void Literal_names_match_whole_and_ignore_case(string pattern, string name, bool expected) =>
            Assert.Equal(expected, Match(pattern, name));

        [Theory]
        [InlineData("*", "", true)]
        [InlineData("*", Name, true)]
        [InlineData("backup-2026-11-2*", Name, true)]
        [InlineData("BACKUP-*.GZ", Name, true)]
        [InlineData("*T00-00-00*", Name, true)]
        [InlineData("*a*b", "xaxb", true)]
        [InlineData("*a*b", "xaxbx", false)]
        [InlineData("backup-2026-12-*", Name, false)]
        [InlineData("**", "", true)]
        public void Star_is_any_run_of_characters(string pattern, string name, bool expected) =>
            Assert.Equal(expected, Match(pattern, name));

        [Theory]
        [InlineData("?", "a", true)]
        [InlineData("?", "", false)]
        [InlineData("a?c", "abc", true)]
        [InlineData("a?c", "abbc", false)]
        [InlineData("backup-2026-11-2?T00-00-00.db.gz", Name, true)]
        public void Question_mark_is_exactly_one_character(string pattern, string name, bool expected) =>
            Assert.Equal(expected, Match(pattern, name));

        [Theory]
        [InlineData("backup-2026-11-2[34]T*", Name, true)]
        [InlineData("backup-2026-11-2[35]T*", Name, false)]
        [InlineData("backup-2026-11-2[0-9]T*", Name, true)]
        [InlineData("backup-2026-11-2[5-9]T*", Name, false)]
        [InlineData("[A-C]x", "bx", true)]
        [InlineData("[a-c]X", "Bx", true)]
        [InlineData("[B]x", "bx", true)]
        [InlineData("[!a]x", "bx", false)]   // no negation: '!' is a member
        [InlineData("[!a]x", "!x", true)]
        [InlineData("[^a]x", "bx", false)]
        [InlineData("[-a]x", "-x", true)]   // '-' at either end is literal
        [InlineData("[a-]x", "-x", true)]
        [InlineData("[a-c-e]", "-", true)]
        [InlineData("[a-c-e]", "d", false)]
        [InlineData("[]]x", "]x", true)]    // ']' first in a set is a member
        [InlineData("[a]]x", "a]x", true)]  // the first ']' closes the set
        [InlineData("[*]", "*", true)]
        [InlineData("[?]", "a", false)]
        [InlineData("[Z-a]", "_", true)]
        [InlineData("]", "]", true)]
        public void Brackets_are_one_character_of_a_set_or_range(string pattern, string name, bool expected) =>
            Assert.Equal(expected, Match(pattern, name));

        [Theory]
        [InlineData("a`*", "a*", true)]
        [InlineData("a`*", "ab", false)]
        [InlineData("a`?c", "a?c", true)]
        [InlineData("a`?c", "abc", false)]
        [InlineData("x`[", "x[", true)]
        [InlineData("[`]]x", "]x", true)]
        [InlineData("[a`]]x", "]x", true)]
        [InlineData("[`[]", "[", true)]
        [InlineData("[a`-c]", "-", true)]   // an escaped '-' is no range
        [InlineData("[a`-c]", "b", false)]
        [InlineData("a`b", "ab", true)]     // any escaped character is itself
        [InlineData("a``b", "a`b", true)]
        [InlineData("a`", "a`", true)]      // a trailing backtick is itself
        [InlineData("a`", "a", false)]
        public void Backtick_makes_the_next_character_literal(string pattern, string name, bool expected) =>
            Assert.Equal(expected, Match(pattern, name));

        [Theory]
        [InlineData(Name, false)]
        [InlineData("a`*b`?c`[d`]", false)]
        [InlineData("a*", true)]
        [InlineData("a?", true)]
        [InlineData("a[b]", true)]
        [InlineData("a]", true)]
        public void Wildcards_are_unescaped_star_question_mark_and_brackets(string pattern, bool expected) =>
            Assert.Equal(expected, BackupNamePattern.Parse(pattern).HasWildcards);

        [Theory]
        [InlineData("backup-[")]
        [InlineData("backup-[0-9")]
        [InlineData("a[]b")]
        [InlineData("[]")]
        [InlineData("a[`]")]
        [InlineData("[`")]
        [InlineData("[c-a]x")]
        [InlineData("[a--]")]
        public void A_malformed_pattern_is_InvalidNamePattern(string pattern)
        {
            var e = Assert.Throws<BqBackupException>(() => BackupNamePattern.Parse(pattern));
            Assert.Equal(ErrorIds.InvalidNamePattern, e.ErrorId);
            Assert.Equal(BqErrorCategory.InvalidArgument, e.Category);
            Assert.Equal(pattern, e.TargetObject);
            Assert.Contains($"'{pattern}'", e.Message);
            Assert.False(string.IsNullOrEmpty(e.RecommendedAction));
        }

        [Fact]
        public void The_reason_names_what_is_wrong()
        {
            Assert.Contains("no ']' closes", Assert.Throws<BqBackupException>(() => BackupNamePattern.Parse("backup-[")).Message);
            Assert.Contains("'c-a' runs backwards", Assert.Throws<BqBackupException>(() => BackupNamePattern.Parse("[c-a]")).Message);
        }

        [Theory]
        [InlineData("", Name, true)]
        [InlineData("BACKUP-2026", Name, true)]
        [InlineData("backup-2027", Name, false)]
        [InlineData("*T00", Name, false)]   // a wildcard is taken as it is, not as a prefix
        [InlineData("*.gz", Name, true)]
        [InlineData("a`", "a`b", true)]     // a trailing backtick stays itself
        [InlineData("a`", "ab", false)]
        public void Completion_matches_what_is_typed_as_a_prefix(string typed, string name, bool expected) =>
            Assert.Equal(expected, BackupNamePattern.ForCompletion(typed).IsMatch(name));
    }
}
