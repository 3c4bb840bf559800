using System.Linq;
using System.Text;

namespace BqBackup.Schedule
{
    /// <summary>
    /// Every quoting rule a schedule needs, in one place: the job's script is quoted once for
    /// PowerShell (its values as single-quoted literals), then its argv once for where it goes:
    /// systemd's ExecStart=, sh (plus cron's %), or the Windows command line.
    /// </summary>
    public static class Quoting
    {
        /// <summary>
        /// A PowerShell string literal: single-quoted, with every quote character PowerShell
        /// treats as a single quote (' and the typographic ‘ ’ ‚ ‛) doubled. For Windows, % is
        /// spelled [char]37, since Task Scheduler expands %VARIABLES% in a task's arguments.
        /// </summary>
        public static string PowerShell(string value, bool windows = false)
        {
            string Literal(string text)
            {
                var b = new StringBuilder("'");
                foreach (var c in text)
                {
                    if (c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B') b.Append(c);
                    b.Append(c);
                }
                return b.Append('\'').ToString();
            }
            if (!windows || value.IndexOf('%') < 0) return Literal(value);
            return "(" + string.Join("+[char]37+", value.Split('%').Select(Literal)) + ")";
        }

        private static bool IsPlain(string value) =>
            value.Length > 0 && value.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/._+,:=@-".IndexOf(c) >= 0);

        /// <summary>
        /// One ExecStart= word: plain words as they are, anything else in double quotes with \ and
        /// " backslash-escaped. % is doubled everywhere (specifiers apply to the whole line); $ is
        /// doubled in the arguments (variable expansion) but not in the program's path, which
        /// systemd takes literally.
        /// </summary>
        public static string Systemd(string value, bool program = false)
        {
            if (IsPlain(value)) return value;
            var b = new StringBuilder("\"");
            foreach (var c in value)
            {
                switch (c)
                {
                    case '\\': b.Append("\\\\"); break;
                    case '"': b.Append("\\\""); break;
                    case '%': b.Append("%%"); break;
                    case '$': b.Append(program ? "$" : "$$"); break;
                    default: b.Append(c); break;
                }
            }
            return b.Append('"').ToString();
        }

        /// <summary>A value of a systemd setting that is not a command line (EnvironmentFile=): only the % specifiers need escaping.</summary>
        public static string SystemdValue(string value) => value.Replace("%", "%%");

        /// <summary>One POSIX sh word: plain words as they are, anything else single-quoted ('\'' for a quote).</summary>
        public static string Shell(string value)
        {
            if (IsPlain(value)) return value;
            return "'" + value.Replace("'", "'\\''") + "'";
        }

        /// <summary>
        /// cron turns an unescaped % into a newline, and its "\%" escape cannot follow a literal
        /// backslash. Every % in our sh text is inside single quotes (<see cref="Shell"/> quotes any
        /// word with one), so each becomes '\%': close the quote, cron's escaped %, reopen. sh then
        /// sees a bare %, which means nothing to it.
        /// </summary>
        public static string CronPercent(string shellCommand) => shellCommand.Replace("%", "'\\%'");

        /// <summary>One argument for the Windows command line (CommandLineToArgvW's rules, which .NET and pwsh follow).</summary>
        public static string Windows(string value)
        {
            if (value.Length > 0 && value.IndexOfAny(new[] { ' ', '\t', '"' }) < 0) return value;
            var b = new StringBuilder("\"");
            var backslashes = 0;
            foreach (var c in value)
            {
                if (c == '\\') { backslashes++; continue; }
                if (c == '"') { b.Append('\\', backslashes * 2 + 1).Append('"'); backslashes = 0; continue; }
                b.Append('\\', backslashes).Append(c);
                backslashes = 0;
            }
            return b.Append('\\', backslashes * 2).Append('"').ToString();
        }
    }
}
