using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Xunit;

namespace BqBackup.Tests.Schedule
{
    /// <summary>How each consumer reads the text we write: systemd's ExecStart=, cron, sh, and Windows' CommandLineToArgvW. Written from their documentation, not from our quoting.</summary>
    internal static class CommandLines
    {
        public static string ExecStartLine(string service) =>
            service.Split('\n').Single(l => l.StartsWith("ExecStart=", System.StringComparison.Ordinal)).Substring("ExecStart=".Length);

        /// <summary>systemd's documented reading of ExecStart=: %% is %, words split on blanks, quotes with C escapes, then $$ is $ in the arguments (not in the program's path).</summary>
        public static List<string> ParseExecStart(string line)
        {
            line = line.Replace("%%", "%");
            var words = new List<string>();
            var i = 0;
            while (true)
            {
                while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
                if (i >= line.Length) break;
                var word = new StringBuilder();
                char quote = '\0';
                if (line[i] == '"' || line[i] == '\'') quote = line[i++];
                while (i < line.Length)
                {
                    var c = line[i++];
                    if (quote != '\0' && c == quote) break;
                    if (quote == '\0' && char.IsWhiteSpace(c)) break;
                    if (c == '\\' && i < line.Length)
                    {
                        var e = line[i++];
                        word.Append(e == 'n' ? '\n' : e == 't' ? '\t' : e);
                        continue;
                    }
                    word.Append(c);
                }
                words.Add(words.Count == 0 ? word.ToString() : word.ToString().Replace("$$", "$"));
            }
            return words;
        }

        /// <summary>What cron does to the command before sh sees it: an unescaped % ends the command, \% is %.</summary>
        public static string AsCronRunsIt(string command)
        {
            var b = new StringBuilder();
            var escaped = false;
            foreach (var c in command)
            {
                if (escaped)
                {
                    if (c == '%') b.Length--;
                    b.Append(c);
                    escaped = false;
                    continue;
                }
                if (c == '\\') { escaped = true; b.Append(c); continue; }
                if (c == '%') break;
                b.Append(c);
            }
            return b.ToString();
        }

        /// <summary>The words sh makes of a command line, by asking sh itself.</summary>
        public static List<string> ShWords(string commandLine)
        {
            var info = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("for a in " + commandLine + "; do printf '%s\\0' \"$a\"; done");
            using (var p = Process.Start(info))
            {
                var output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
                return output.Split('\0').Reverse().Skip(1).Reverse().ToList();
            }
        }

        /// <summary>CommandLineToArgvW's rules, as pwsh.exe reads its command line.</summary>
        public static List<string> WindowsArgv(string commandLine)
        {
            var args = new List<string>();
            var i = 0;
            while (true)
            {
                while (i < commandLine.Length && (commandLine[i] == ' ' || commandLine[i] == '\t')) i++;
                if (i >= commandLine.Length) return args;
                var b = new StringBuilder();
                var quoted = false;
                while (i < commandLine.Length && (quoted || (commandLine[i] != ' ' && commandLine[i] != '\t')))
                {
                    var slashes = 0;
                    while (i < commandLine.Length && commandLine[i] == '\\') { slashes++; i++; }
                    if (i < commandLine.Length && commandLine[i] == '"')
                    {
                        b.Append('\\', slashes / 2);
                        if (slashes % 2 == 1) b.Append('"');
                        else quoted = !quoted;
                        i++;
                    }
                    else
                    {
                        b.Append('\\', slashes);
                        if (i < commandLine.Length && (quoted || (commandLine[i] != ' ' && commandLine[i] != '\t'))) b.Append(commandLine[i++]);
                    }
                }
                args.Add(b.ToString());
            }
        }
    }
}
