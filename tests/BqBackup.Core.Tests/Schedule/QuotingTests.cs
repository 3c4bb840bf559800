using BqBackup.Schedule;
using Xunit;

namespace BqBackup.Tests.Schedule
{
    public class QuotingTests
    {
        [Theory]
        [InlineData("plain/path-1.db", "plain/path-1.db")]
        [InlineData("a b", "'a b'")]
        [InlineData("it's", "'it'\\''s'")]
        [InlineData("50%", "'50%'")]
        [InlineData("", "''")]
        public void Shell_quoting(string value, string quoted) => Assert.Equal(quoted, Quoting.Shell(value));

        [Theory]
        [InlineData("plain", "plain")]
        [InlineData("a b", "\"a b\"")]
        [InlineData("a\"b", "\"a\\\"b\"")]
        [InlineData("C:\\dir with space\\", "\"C:\\dir with space\\\\\"")]
        [InlineData("", "\"\"")]
        public void Windows_command_line_quoting(string value, string quoted)
        {
            Assert.Equal(quoted, Quoting.Windows(value));
            Assert.Equal(new[] { value }, CommandLines.WindowsArgv(quoted));
        }

        [Theory]
        [InlineData("/opt/pwsh", false, "/opt/pwsh")]
        [InlineData("/opt/$x 100%/pwsh", true, "\"/opt/$x 100%%/pwsh\"")]
        [InlineData("it's $HOME \"q\" \\", false, "\"it's $$HOME \\\"q\\\" \\\\\"")]
        public void Systemd_quoting_reads_back_as_the_word(string value, bool program, string quoted)
        {
            Assert.Equal(quoted, Quoting.Systemd(value, program));
            // As the program (first word) or an argument (after one).
            var words = CommandLines.ParseExecStart(program ? quoted : "/bin/true " + quoted);
            Assert.Equal(value, words[words.Count - 1]);
        }

        [Theory]
        [InlineData("plain", false, "'plain'")]
        [InlineData("it's ‘q’", false, "'it''s ‘‘q’’'")]
        [InlineData("50% full", false, "'50% full'")]
        [InlineData("50% full", true, "('50'+[char]37+' full')")]
        public void PowerShell_literals(string value, bool windows, string quoted) => Assert.Equal(quoted, Quoting.PowerShell(value, windows));

        [Fact]
        public void Cron_percent_is_escaped_outside_the_single_quotes()
        {
            var line = Quoting.CronPercent(Quoting.Shell("50% full"));
            Assert.Equal("'50'\\%' full'", line);
            var cronRuns = CommandLines.AsCronRunsIt(line);
            Assert.Equal("'50'%' full'", cronRuns);
            if (System.IO.File.Exists("/bin/sh")) Assert.Equal(new[] { "50% full" }, CommandLines.ShWords(cronRuns));
        }
    }
}
