using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace BqBackup.Schedule
{
    /// <summary>
    /// Turns <see cref="ScheduleSettings"/> into what each scheduler reads: a systemd service and
    /// timer, a crontab line, a Windows Task Scheduler XML. Pure functions: no file, no process,
    /// no environment variable is read here, so no secret can leak in from the session.
    ///
    /// The job is always one pwsh command line: pwsh -NoProfile -NonInteractive -Command "script",
    /// where the script imports the module by its absolute path and runs New-BqBackup, then
    /// Remove-BqBackupExpired if the backup succeeded, with $ErrorActionPreference = 'Stop' so that
    /// any failure exits non-zero. The script is quoted once for PowerShell (single-quoted
    /// literals) and then once for the scheduler: systemd's ExecStart=, sh (plus cron's %), or the
    /// Windows command line inside XML.
    /// </summary>
    public static class ScheduleBuilder
    {
        public const string DefaultName = "bqbackup";
        /// <summary>bunqueue's own S3_BACKUP_INTERVAL default.</summary>
        public static readonly TimeSpan DefaultInterval = TimeSpan.FromHours(6);
        public const string DefaultUnitDirectory = "/etc/systemd/system";
        public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);
        /// <summary>Task Scheduler's limit for a repetition interval; the same everywhere, so a schedule moves between systems.</summary>
        public static readonly TimeSpan MaximumInterval = TimeSpan.FromDays(31);

        private static readonly Regex NamePattern = new Regex("^[A-Za-z0-9_-]{1,100}$", RegexOptions.CultureInvariant);
        // systemd's User= takes a user name as useradd makes them, or a numeric id.
        private static readonly Regex UnixUserPattern = new Regex(@"^(?:[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?|[0-9]{1,10})$", RegexOptions.CultureInvariant);

        public static string ServiceFileName(string name) => name + ".service";
        public static string TimerFileName(string name) => name + ".timer";

        // -----------------------------------------------------------------------------------------
        // Validation
        // -----------------------------------------------------------------------------------------

        public static void ValidateName(string name)
        {
            if (name == null || !NamePattern.IsMatch(name))
                throw new BqBackupException(ErrorIds.InvalidScheduleName, BqErrorCategory.InvalidArgument,
                    $"'{name}' is not a schedule name: use 1 to 100 letters, digits, '_' or '-'.", name,
                    "Pick a name such as 'bqbackup' or 'bqbackup-prod'; it names the systemd units (<name>.service, <name>.timer) or the Windows task.");
        }

        /// <summary>Whole minutes from 1 minute to 31 days; for cron, only what a crontab can say.</summary>
        public static void ValidateInterval(TimeSpan interval, ScheduleKind kind)
        {
            var text = DescribeInterval(interval);
            if (interval < MinimumInterval || interval > MaximumInterval || interval.Ticks % TimeSpan.TicksPerMinute != 0)
                throw new BqBackupException(ErrorIds.InvalidInterval, BqErrorCategory.InvalidArgument,
                    $"-Interval {text} is not a whole number of minutes between 1 minute and 31 days.", interval,
                    "Give a TimeSpan such as (New-TimeSpan -Hours 6) or '06:00:00'; a bare number is read as ticks.");
            if (kind == ScheduleKind.Cron && CronTime(interval) == null)
                throw new BqBackupException(ErrorIds.InvalidInterval, BqErrorCategory.InvalidArgument,
                    $"cron cannot run a job every {text}: a crontab line can only repeat at an interval that divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes) or a day (1, 2, 3, 4, 6, 8, 12, 24 hours).",
                    interval, "Pick such an interval, or use the systemd timer (without -AsCron), which can run at any interval.");
        }

        /// <summary>Everything a schedule needs before any text is made; throws the first problem found.</summary>
        public static void Validate(ScheduleSettings s, ScheduleKind kind)
        {
            if (s == null) throw new ArgumentNullException(nameof(s));
            ValidateName(s.Name);
            ValidateInterval(s.Interval, kind);

            // Anything that looks like a credential would end up in a world-readable unit file or
            // in the task's arguments: refuse, and say where secrets go instead.
            RefuseSecret("Destination", s.Destination);
            RefuseSecret("EndpointUrl", s.EndpointUrl);

            foreach (var (parameter, value) in new[]
            {
                ("Name", s.Name), ("Path", s.DatabasePath), ("Destination", s.Destination),
                ("EnvironmentFile", s.EnvironmentFile), ("ProfileName", s.ProfileName),
                ("EndpointUrl", s.EndpointUrl), ("Region", s.Region), ("User", s.User),
                ("ModulePath", s.ModulePath),
            }.Concat((s.Executable ?? new string[0]).Select(e => ("Executable", e))))
            {
                if (value != null && value.Any(c => c < ' ' || c == '\x7f'))
                    throw Setting(parameter, $"-{parameter} contains a control character (a line break, a tab), which no unit file, crontab line or task can hold.",
                        $"Give -{parameter} without control characters.");
            }

            if (s.Executable == null || s.Executable.Count == 0 || s.Executable.Any(e => !IsAbsolute(e)))
                throw Setting("Executable", "The pwsh to run is not known as an absolute path.", "Run Register-BqBackupSchedule from pwsh itself.");
            // systemd refuses to run a program whose own path has a quote or a backslash in it.
            if (kind == ScheduleKind.Systemd && s.Executable[0].IndexOfAny(new[] { '"', '\'', '\\' }) >= 0)
                throw Setting("Executable", $"systemd cannot run '{s.Executable[0]}': an ExecStart= program path may not contain quotes or backslashes.",
                    "Run Register-BqBackupSchedule from a pwsh (or dotnet) installed under a plain path, or use -AsCron.");
            if (!IsAbsolute(s.ModulePath))
                throw Setting("ModulePath", $"The module path '{s.ModulePath}' is not absolute.", "Import BqBackup from its folder, then register.");
            if (s.EnvironmentFile != null && !IsAbsolute(s.EnvironmentFile))
                throw Setting("EnvironmentFile", $"-EnvironmentFile '{s.EnvironmentFile}' is not an absolute path.", "Give the environment file's absolute path.");

            if (s.DatabasePath == null && s.EnvironmentFile == null)
                throw new BqBackupException(ErrorIds.DatabasePathRequired, BqErrorCategory.InvalidArgument,
                    "No -Path was given and no -EnvironmentFile that could set BUNQUEUE_DATA_PATH.", null,
                    "Pass -Path with bunqueue's database file, or -EnvironmentFile with a file that sets BUNQUEUE_DATA_PATH.");
            if (s.DatabasePath != null && !IsAbsolute(s.DatabasePath))
                throw Setting("Path", $"-Path '{s.DatabasePath}' is not absolute.", "Give the database's absolute path.");
            if (string.IsNullOrEmpty(s.Destination) && s.EnvironmentFile == null)
                throw new BqBackupException(ErrorIds.DestinationRequired, BqErrorCategory.InvalidArgument,
                    "No -Destination was given and no -EnvironmentFile that could set S3_BUCKET.", null,
                    "Pass -Destination with a folder or s3://bucket/prefix, or -EnvironmentFile with a file that sets S3_BUCKET.");

            if (s.Retention != null && s.Retention.HasRule) s.Retention.Validate();

            if (s.User != null && kind != ScheduleKind.WindowsTask && !UnixUserPattern.IsMatch(s.User))
                throw Setting("User", $"-User '{s.User}' is not a user name systemd accepts.", "Give a user name (letters, digits, '_', '.', '-') or a numeric uid.");
        }

        private static BqBackupException Setting(string parameter, string message, string action) =>
            new BqBackupException(ErrorIds.InvalidScheduleSetting, BqErrorCategory.InvalidArgument, message, parameter, action);

        private static readonly string[] SignedUrlParameters =
            { "x-amz-credential", "x-amz-signature", "x-amz-security-token", "awsaccesskeyid", "signature=" };

        /// <summary>URLs with user:password@ or a pre-signed query carry a secret; the target is the parameter, never the value.</summary>
        private static void RefuseSecret(string parameter, string value)
        {
            if (string.IsNullOrEmpty(value)) return;
            var scheme = value.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0) return;
            var start = scheme + 3;
            var end = value.IndexOfAny(new[] { '/', '?', '#' }, start);
            var authority = value.Substring(start, (end < 0 ? value.Length : end) - start);
            var lower = value.ToLowerInvariant();
            if (authority.IndexOf('@') >= 0 || SignedUrlParameters.Any(p => lower.Contains(p)))
                throw new BqBackupException(ErrorIds.SecretOnCommandLine, BqErrorCategory.SecurityError,
                    $"-{parameter} carries credentials (user:secret@ or a signed query); a schedule would write them into its unit file, crontab or task arguments, which other users can read.",
                    parameter,
                    "Give the URL without credentials and put the keys in -EnvironmentFile (S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY; mode 0600) or an AWS profile (-ProfileName).");
        }

        private static bool IsAbsolute(string path) =>
            !string.IsNullOrEmpty(path) &&
            (path[0] == '/' || path.StartsWith(@"\\", StringComparison.Ordinal) ||
             (path.Length >= 3 && char.IsLetter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/')));

        // -----------------------------------------------------------------------------------------
        // The job: pwsh and its script
        // -----------------------------------------------------------------------------------------

        /// <summary>
        /// How to start the pwsh that is running now: under `dotnet pwsh` the process is the dotnet
        /// host, so the job runs `dotnet PSHOME/pwsh.dll`; pwsh and Windows PowerShell run as
        /// themselves; any other host falls back to PSHOME's pwsh.
        /// </summary>
        public static IList<string> PwshExecutable(string processPath, string psHome, bool windows)
        {
            var leaf = LeafWithoutExtension(processPath ?? string.Empty);
            if (leaf.Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                return new[] { processPath, JoinPath(psHome, "pwsh.dll") };
            if (leaf.StartsWith("pwsh", StringComparison.OrdinalIgnoreCase) || leaf.Equals("powershell", StringComparison.OrdinalIgnoreCase))
                return new[] { processPath };
            return new[] { JoinPath(psHome, windows ? "pwsh.exe" : "pwsh") };
        }

        private static string LeafWithoutExtension(string path)
        {
            var leaf = path.Substring(Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\')) + 1);
            var dot = leaf.LastIndexOf('.');
            return dot > 0 ? leaf.Substring(0, dot) : leaf;
        }

        private static string JoinPath(string folder, string leaf)
        {
            folder = folder ?? string.Empty;
            var separator = folder.IndexOf('\\') >= 0 && folder.IndexOf('/') < 0 ? '\\' : '/';
            return folder.TrimEnd('/', '\\') + separator + leaf;
        }

        /// <summary>The PowerShell the job runs (the argument of -Command).</summary>
        public static string PowerShellScript(ScheduleSettings s, bool windows)
        {
            string Q(string value) => QuotePowerShell(value, windows);
            var store = new StringBuilder();
            if (!string.IsNullOrEmpty(s.Destination)) store.Append(" -Destination ").Append(Q(s.Destination));
            if (!string.IsNullOrEmpty(s.EndpointUrl)) store.Append(" -EndpointUrl ").Append(Q(s.EndpointUrl));
            if (!string.IsNullOrEmpty(s.Region)) store.Append(" -Region ").Append(Q(s.Region));
            if (!string.IsNullOrEmpty(s.ProfileName)) store.Append(" -ProfileName ").Append(Q(s.ProfileName));

            var b = new StringBuilder();
            b.Append("$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; ");
            // Task Scheduler has no EnvironmentFile=: the job reads the KEY=value lines itself.
            if (windows && s.EnvironmentFile != null)
                b.Append("foreach ($line in Get-Content -LiteralPath ").Append(Q(s.EnvironmentFile))
                 .Append(") { if ($line -match '^\\s*(export\\s+)?([A-Za-z_][A-Za-z0-9_]*)\\s*=(.*)$') { $v = $Matches[3].Trim(); ")
                 .Append("if ($v.Length -ge 2 -and $v[0] -eq $v[-1] -and ([char]34, [char]39) -contains $v[0]) { $v = $v.Substring(1, $v.Length - 2) }; ")
                 .Append("[Environment]::SetEnvironmentVariable($Matches[2], $v) } }; ");
            b.Append("Import-Module ").Append(Q(s.ModulePath)).Append("; ");
            b.Append("New-BqBackup");
            if (s.DatabasePath != null) b.Append(" -Path ").Append(Q(s.DatabasePath));
            b.Append(store).Append("; ");
            b.Append("if ($?) { Remove-BqBackupExpired");
            if (s.Retention != null && s.Retention.HasRule) b.Append(' ').Append(s.Retention);
            b.Append(store).Append(" }");
            return b.ToString();
        }

        /// <summary>The job's argv: pwsh (or dotnet and pwsh.dll), then -NoProfile -NonInteractive -Command script.</summary>
        public static IList<string> Arguments(ScheduleSettings s, bool windows) =>
            s.Executable.Concat(new[] { "-NoProfile", "-NonInteractive", "-Command", PowerShellScript(s, windows) }).ToList();

        // -----------------------------------------------------------------------------------------
        // systemd
        // -----------------------------------------------------------------------------------------

        public static string ServiceUnit(ScheduleSettings s)
        {
            var b = new StringBuilder();
            b.Append("# Written by Register-BqBackupSchedule (BqBackup); remove with Unregister-BqBackupSchedule.\n");
            b.Append("# No secret is in this file: the job reads them from EnvironmentFile= or the AWS profile.\n");
            b.Append("[Unit]\n");
            b.Append("Description=BqBackup: back up the bunqueue database and expire old backups (").Append(s.Name).Append(")\n");
            b.Append("Wants=network-online.target\n");
            b.Append("After=network-online.target\n");
            b.Append("\n[Service]\n");
            b.Append("Type=oneshot\n");
            if (s.User != null) b.Append("User=").Append(s.User).Append('\n');
            if (s.EnvironmentFile != null) b.Append("EnvironmentFile=").Append(s.EnvironmentFile.Replace("%", "%%")).Append('\n');
            b.Append("ExecStart=").Append(ExecStart(s)).Append('\n');
            return b.ToString();
        }

        /// <summary>The ExecStart= value: every argument quoted by systemd's rules, % doubled, and $ doubled after the program.</summary>
        public static string ExecStart(ScheduleSettings s) =>
            string.Join(" ", Arguments(s, windows: false).Select((argument, i) => QuoteSystemd(argument, program: i == 0)));

        public static string TimerUnit(ScheduleSettings s)
        {
            var b = new StringBuilder();
            b.Append("# Written by Register-BqBackupSchedule (BqBackup); remove with Unregister-BqBackupSchedule.\n");
            b.Append("[Unit]\n");
            b.Append("Description=Run ").Append(ServiceFileName(s.Name)).Append(" every ").Append(DescribeInterval(s.Interval)).Append('\n');
            b.Append("\n[Timer]\n");
            var calendar = OnCalendar(s.Interval);
            if (calendar != null)
            {
                b.Append("OnCalendar=").Append(calendar).Append('\n');
                // A run missed while the machine was off happens as soon as it is back.
                b.Append("Persistent=true\n");
            }
            else
            {
                b.Append("OnBootSec=").Append(SystemdTimeSpan(BootDelay(s.Interval))).Append('\n');
                b.Append("OnUnitActiveSec=").Append(SystemdTimeSpan(s.Interval)).Append('\n');
            }
            b.Append("RandomizedDelaySec=").Append(SystemdTimeSpan(RandomizedDelay(s.Interval))).Append('\n');
            b.Append("\n[Install]\n");
            b.Append("WantedBy=timers.target\n");
            return b.ToString();
        }

        /// <summary>The timer's trigger in one line, for the output object.</summary>
        public static string SystemdTrigger(TimeSpan interval)
        {
            var calendar = OnCalendar(interval);
            return calendar != null
                ? "OnCalendar=" + calendar
                : $"OnBootSec={SystemdTimeSpan(BootDelay(interval))} OnUnitActiveSec={SystemdTimeSpan(interval)}";
        }

        /// <summary>
        /// A wall-clock calendar for intervals that divide an hour or a day (the same ones cron
        /// can say): 6 h is 00:00, 06:00, 12:00, 18:00. Null for the others, which then run on a
        /// monotonic timer (OnUnitActiveSec=).
        /// </summary>
        public static string OnCalendar(TimeSpan interval)
        {
            if (interval.Ticks % TimeSpan.TicksPerMinute != 0 || interval < MinimumInterval) return null;
            var minutes = (long)interval.TotalMinutes;
            if (minutes < 60 && 60 % minutes == 0)
                return minutes == 1 ? "*-*-* *:*:00" : $"*-*-* *:00/{minutes}:00";
            if (minutes % 60 != 0) return null;
            var hours = minutes / 60;
            if (hours == 1) return "*-*-* *:00:00";
            if (hours < 24 && 24 % hours == 0) return $"*-*-* 00/{hours}:00:00";
            if (hours == 24) return "*-*-* 00:00:00";
            return null;
        }

        /// <summary>Spreads machines that share a schedule: a tenth of the interval, at most 5 minutes.</summary>
        public static TimeSpan RandomizedDelay(TimeSpan interval) =>
            TimeSpan.FromSeconds(Math.Floor(Math.Min(interval.TotalSeconds / 10, 300)));

        /// <summary>A monotonic timer's first run after boot: soon, so a machine that reboots more often than the interval is still backed up.</summary>
        private static TimeSpan BootDelay(TimeSpan interval) => interval < TimeSpan.FromMinutes(15) ? interval : TimeSpan.FromMinutes(15);

        /// <summary>systemd's time span syntax: "6h", "1h 30min", "1d", "6s".</summary>
        public static string SystemdTimeSpan(TimeSpan span) => Units(span, "");

        /// <summary>"6 h", "30 min", "1 d 12 h": for messages.</summary>
        public static string DescribeInterval(TimeSpan span) =>
            span <= TimeSpan.Zero || span.Ticks % TimeSpan.TicksPerSecond != 0 ? span.ToString() : Units(span, " ");

        private static string Units(TimeSpan span, string gap)
        {
            var parts = new List<string>();
            void Add(int value, string unit) { if (value > 0) parts.Add(value.ToString(CultureInfo.InvariantCulture) + gap + unit); }
            Add(span.Days, "d");
            Add(span.Hours, "h");
            Add(span.Minutes, "min");
            Add(span.Seconds, "s");
            return parts.Count == 0 ? "0" : string.Join(" ", parts);
        }

        // -----------------------------------------------------------------------------------------
        // cron
        // -----------------------------------------------------------------------------------------

        /// <summary>The five time fields for an interval that divides an hour or a day; null otherwise.</summary>
        public static string CronTime(TimeSpan interval)
        {
            if (interval.Ticks % TimeSpan.TicksPerMinute != 0 || interval < MinimumInterval) return null;
            var minutes = (long)interval.TotalMinutes;
            if (minutes < 60 && 60 % minutes == 0) return minutes == 1 ? "* * * * *" : $"*/{minutes} * * * *";
            if (minutes % 60 != 0) return null;
            var hours = minutes / 60;
            if (hours == 1) return "0 * * * *";
            if (hours < 24 && 24 % hours == 0) return $"0 */{hours} * * *";
            if (hours == 24) return "0 0 * * *";
            return null;
        }

        /// <summary>
        /// The job as an sh command line. With an environment file it is sourced first with
        /// `set -a` so every KEY=value in it is exported to pwsh, and the file's secrets stay in
        /// the file.
        /// </summary>
        public static string ShellCommand(ScheduleSettings s, bool sourceEnvironmentFile)
        {
            var command = string.Join(" ", Arguments(s, windows: false).Select(QuoteShell));
            return sourceEnvironmentFile && s.EnvironmentFile != null
                ? $"set -a; . {QuoteShell(s.EnvironmentFile)}; set +a; {command}"
                : command;
        }

        /// <summary>One crontab line (the user crontab format: five time fields, then the command).</summary>
        public static string CronLine(ScheduleSettings s) =>
            CronTime(s.Interval) + " " + EscapeCronPercent(ShellCommand(s, sourceEnvironmentFile: true));

        // -----------------------------------------------------------------------------------------
        // Windows Task Scheduler
        // -----------------------------------------------------------------------------------------

        private static readonly XNamespace TaskNs = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        /// <summary>The task's Exec Arguments: everything after the program, quoted for the Windows command line.</summary>
        public static string WindowsArguments(ScheduleSettings s) =>
            string.Join(" ", Arguments(s, windows: true).Skip(1).Select(QuoteWindows));

        public static string WindowsCommandLine(ScheduleSettings s) =>
            QuoteWindows(s.Executable[0]) + " " + WindowsArguments(s);

        /// <summary>
        /// Task Scheduler schema 1.2: a TimeTrigger from <paramref name="startBoundary"/> (local time)
        /// repeating every interval indefinitely, run as -User (S4U: no password stored) or SYSTEM.
        /// </summary>
        public static string WindowsTaskXml(ScheduleSettings s, DateTime startBoundary)
        {
            XElement E(string name, params object[] content) => new XElement(TaskNs + name, content);
            var principal = s.User == null
                ? E("Principal", new XAttribute("id", "Author"), E("UserId", "S-1-5-18"), E("RunLevel", "HighestAvailable"))
                : E("Principal", new XAttribute("id", "Author"), E("UserId", s.User), E("LogonType", "S4U"), E("RunLevel", "LeastPrivilege"));
            var task = E("Task", new XAttribute("version", "1.2"),
                E("RegistrationInfo",
                    E("Author", "BqBackup"),
                    E("Description", $"BqBackup: back up the bunqueue database every {DescribeInterval(s.Interval)} and expire old backups. Written by Register-BqBackupSchedule; remove with Unregister-BqBackupSchedule -Name {s.Name}."),
                    E("URI", "\\" + s.Name)),
                E("Triggers",
                    E("TimeTrigger",
                        E("Enabled", "true"),
                        E("StartBoundary", startBoundary.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)),
                        E("Repetition", E("Interval", IsoDuration(s.Interval)), E("StopAtDurationEnd", "false")),
                        E("RandomDelay", IsoDuration(RandomizedDelay(s.Interval))))),
                E("Principals", principal),
                E("Settings",
                    E("MultipleInstancesPolicy", "IgnoreNew"),
                    E("DisallowStartIfOnBatteries", "false"),
                    E("StopIfGoingOnBatteries", "false"),
                    E("StartWhenAvailable", "true"),
                    E("Enabled", "true")),
                E("Actions", new XAttribute("Context", "Author"),
                    E("Exec", E("Command", s.Executable[0]), E("Arguments", WindowsArguments(s)))));
            var document = new XDocument(new XDeclaration("1.0", "UTF-16", null), task);
            using (var writer = new StringWriter(CultureInfo.InvariantCulture))
            {
                using (var xml = XmlWriter.Create(writer, new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\r\n" }))
                    document.Save(xml);
                return writer.ToString();
            }
        }

        /// <summary>ISO 8601 durations as Task Scheduler writes them: PT6H, PT30M, P1DT12H.</summary>
        public static string IsoDuration(TimeSpan span)
        {
            var b = new StringBuilder("P");
            if (span.Days > 0) b.Append(span.Days.ToString(CultureInfo.InvariantCulture)).Append('D');
            if (span.Hours > 0 || span.Minutes > 0 || span.Seconds > 0 || span.Days == 0)
            {
                b.Append('T');
                if (span.Hours > 0) b.Append(span.Hours.ToString(CultureInfo.InvariantCulture)).Append('H');
                if (span.Minutes > 0) b.Append(span.Minutes.ToString(CultureInfo.InvariantCulture)).Append('M');
                if (span.Seconds > 0 || (span.Hours == 0 && span.Minutes == 0)) b.Append(span.Seconds.ToString(CultureInfo.InvariantCulture)).Append('S');
            }
            return b.ToString();
        }

        // -----------------------------------------------------------------------------------------
        // Quoting
        // -----------------------------------------------------------------------------------------

        /// <summary>
        /// A PowerShell string literal: single-quoted, with every quote character PowerShell
        /// treats as a single quote (' and the typographic ‘ ’ ‚ ‛) doubled. For Windows, % is
        /// spelled [char]37, since Task Scheduler expands %VARIABLES% in a task's arguments.
        /// </summary>
        public static string QuotePowerShell(string value, bool windows = false)
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

        private static bool IsPlain(string value, string extra) =>
            value.Length > 0 && value.All(c => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || extra.IndexOf(c) >= 0);

        /// <summary>
        /// One ExecStart= word: plain words as they are, anything else in double quotes with \ and
        /// " backslash-escaped. % is doubled everywhere (specifiers apply to the whole line); $ is
        /// doubled in the arguments (variable expansion) but not in the program's path, which
        /// systemd takes literally.
        /// </summary>
        public static string QuoteSystemd(string value, bool program = false)
        {
            if (IsPlain(value, "/._+,:=@-")) return value;
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

        /// <summary>One sh word: plain words as they are, anything else single-quoted ('\'' for a quote).</summary>
        public static string QuoteShell(string value)
        {
            if (IsPlain(value, "/._+,:=@-")) return value;
            return "'" + value.Replace("'", "'\\''") + "'";
        }

        /// <summary>
        /// cron turns an unescaped % into a newline, and its "\%" escape cannot follow a literal
        /// backslash. Every % in our sh text is inside single quotes (QuoteShell quotes any word
        /// with one), so each becomes '\%': close the quote, cron's escaped %, reopen. sh then sees
        /// a bare %, which means nothing to it.
        /// </summary>
        public static string EscapeCronPercent(string shellCommand) => shellCommand.Replace("%", "'\\%'");

        /// <summary>One argument for the Windows command line (CommandLineToArgvW's rules, which .NET and pwsh follow).</summary>
        public static string QuoteWindows(string value)
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
