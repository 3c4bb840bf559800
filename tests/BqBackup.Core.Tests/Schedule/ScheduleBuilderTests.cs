using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using BqBackup.Retention;
using BqBackup.Schedule;
using Xunit;

namespace BqBackup.Tests.Schedule
{
    public class ScheduleBuilderTests
    {
        // Spaces, %, $, quotes of both kinds, a backslash before a %: everything the quoting must survive.
        private const string Database = "/var/lib/bun queue/50% full/it's $HOME/queue.db";
        private const string Folder = "/backups/a \"b\" \\%c ‘d’ & <e>";
        private static readonly string[] Dotnet = { "/usr/share/dotnet/dotnet", "/opt/power shell 100%/pwsh.dll" };

        private static ScheduleSettings Settings(Action<ScheduleSettings> change = null)
        {
            var s = new ScheduleSettings
            {
                DatabasePath = Database,
                Destination = Folder,
                ModulePath = "/opt/modules/Bq Backup/BqBackup.psd1",
                Executable = Dotnet,
            };
            change?.Invoke(s);
            ScheduleBuilder.Validate(s, ScheduleKind.Systemd);
            return s;
        }

        private static string ExecStartLine(string service) =>
            service.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal)).Substring("ExecStart=".Length);

        // ---------------------------------------------------------------------------------------
        // systemd
        // ---------------------------------------------------------------------------------------

        /// <summary>systemd's documented reading of ExecStart=: %% is %, words split on blanks, quotes with C escapes, then $$ is $ in the arguments (not in the program's path).</summary>
        private static List<string> ParseExecStart(string line)
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

        [Fact]
        public void ExecStart_reads_back_as_exactly_the_jobs_arguments()
        {
            var s = Settings();
            var parsed = ParseExecStart(ExecStartLine(ScheduleBuilder.ServiceUnit(s)));
            Assert.Equal(ScheduleBuilder.Arguments(s, windows: false), parsed);
            Assert.Equal(Dotnet, parsed.Take(2));
            Assert.Equal(new[] { "-NoProfile", "-NonInteractive", "-Command" }, parsed.Skip(2).Take(3));
        }

        [Fact]
        public void ExecStart_quotes_paths_with_spaces_and_doubles_percent_and_dollar()
        {
            var program = ExecStartLine(ScheduleBuilder.ServiceUnit(Settings(s => s.Executable = new[] { "/opt/$pwsh 100%/pwsh" })));
            Assert.StartsWith("\"/opt/$pwsh 100%%/pwsh\" -NoProfile ", program); // systemd takes the program's $ literally
            var line = ExecStartLine(ScheduleBuilder.ServiceUnit(Settings()));
            Assert.StartsWith("/usr/share/dotnet/dotnet \"/opt/power shell 100%%/pwsh.dll\" -NoProfile -NonInteractive -Command \"", line);
            Assert.Contains("50%% full", line);
            Assert.Contains("$$ErrorActionPreference", line);
            Assert.Contains("it''s $$HOME", line); // PowerShell's '' inside systemd's "…"
            Assert.Contains("\\\"b\\\"", line);     // a " in a value, backslash-escaped for systemd
            // No lone % (a specifier) and no lone $ (a variable) anywhere.
            Assert.DoesNotMatch("(?<!%)%(?!%)", line.Replace("%%", ""));
            Assert.DoesNotContain("$", line.Replace("$$", ""));
        }

        [Fact]
        public void The_script_stops_on_error_imports_the_module_by_path_and_expires_only_after_a_backup()
        {
            var script = ScheduleBuilder.PowerShellScript(Settings(s => s.Retention = new RetentionPolicy { KeepDaily = 7, KeepWeekly = 4 }), windows: false);
            Assert.StartsWith("$ErrorActionPreference = 'Stop'; ", script);
            Assert.Contains("Import-Module '/opt/modules/Bq Backup/BqBackup.psd1'; New-BqBackup -Path '" + Database.Replace("'", "''") + "'", script);
            Assert.Contains("; if ($?) { Remove-BqBackupExpired -KeepDaily 7 -KeepWeekly 4 -Destination ", script);
            Assert.EndsWith(" }", script);
            // The typographic quotes PowerShell also ends strings on are doubled too.
            Assert.Contains("‘‘d’’", script);
        }

        [Fact]
        public void No_retention_given_leaves_Remove_BqBackupExpired_to_its_default()
        {
            var script = ScheduleBuilder.PowerShellScript(Settings(), windows: false);
            Assert.Contains("if ($?) { Remove-BqBackupExpired -Destination '", script);
            Assert.DoesNotContain("-RetentionDays", script);
            Assert.DoesNotContain("-Keep", script);
        }

        [Fact]
        public void Store_settings_go_to_both_commands()
        {
            var script = ScheduleBuilder.PowerShellScript(Settings(s =>
            {
                s.Destination = "s3://bucket/prefix/";
                s.EndpointUrl = "http://minio.local:9000";
                s.Region = "eu-west-1";
                s.ProfileName = "backup";
            }), windows: false);
            const string store = " -Destination 's3://bucket/prefix/' -EndpointUrl 'http://minio.local:9000' -Region 'eu-west-1' -ProfileName 'backup'";
            Assert.Contains("New-BqBackup -Path '" + Database.Replace("'", "''") + "'" + store + ";", script);
            Assert.Contains("Remove-BqBackupExpired" + store + " }", script);
        }

        [Fact]
        public void The_environment_file_is_EnvironmentFile_with_percent_doubled_and_User_is_set()
        {
            var service = ScheduleBuilder.ServiceUnit(Settings(s => { s.EnvironmentFile = "/etc/bq backup/s3 100%.env"; s.User = "bunqueue"; }));
            Assert.Contains("\nEnvironmentFile=/etc/bq backup/s3 100%%.env\n", service);
            Assert.Contains("\nUser=bunqueue\n", service);
            Assert.Contains("\nType=oneshot\n", service);
        }

        [Fact]
        public void With_an_environment_file_Path_and_Destination_may_come_from_it()
        {
            var s = Settings(x => { x.DatabasePath = null; x.Destination = null; x.EnvironmentFile = "/etc/bqbackup.env"; });
            var script = ScheduleBuilder.PowerShellScript(s, windows: false);
            Assert.Contains("New-BqBackup; if ($?) { Remove-BqBackupExpired }", script);
        }

        [Fact]
        public void Without_Path_or_Destination_and_no_environment_file_it_is_refused()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.DatabasePath = null));
            Assert.Equal(ErrorIds.DatabasePathRequired, e.ErrorId);
            e = Assert.Throws<BqBackupException>(() => Settings(s => s.Destination = null));
            Assert.Equal(ErrorIds.DestinationRequired, e.ErrorId);
        }

        // ---------------------------------------------------------------------------------------
        // Secrets
        // ---------------------------------------------------------------------------------------

        [Fact]
        public void Secrets_in_an_S3_environment_file_never_reach_any_generated_text()
        {
            var secrets = new Dictionary<string, string>
            {
                ["S3_ACCESS_KEY_ID"] = "AKIAEXAMPLEACCESSKEY1",
                ["S3_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1",
                ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEACCESSKEY2",
                ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY2",
                ["AWS_SESSION_TOKEN"] = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN",
            };
            using (var dir = new TempDir())
            {
                var envFile = dir.File("s3 settings.env");
                File.WriteAllLines(envFile, secrets.Select(kv => $"{kv.Key}={kv.Value}")
                    .Concat(new[] { "S3_BUCKET=bucket", "S3_ENDPOINT=http://minio.local:9000" }));
                var s = Settings(x => { x.EnvironmentFile = envFile; x.Destination = "s3://bucket/backups/"; x.EndpointUrl = "http://minio.local:9000"; });
                var texts = new Dictionary<string, string>
                {
                    ["service"] = ScheduleBuilder.ServiceUnit(s),
                    ["timer"] = ScheduleBuilder.TimerUnit(s),
                    ["cron"] = ScheduleBuilder.CronLine(s),
                    ["windows"] = ScheduleBuilder.WindowsTaskXml(s, new DateTime(2026, 1, 1)),
                };
                foreach (var text in texts)
                {
                    foreach (var secret in secrets.Values)
                        Assert.False(text.Value.Contains(secret), $"the {text.Key} text contains a secret");
                    Assert.DoesNotContain("SECRET_ACCESS_KEY", text.Value);
                }
                Assert.Contains("EnvironmentFile=" + envFile + "\n", texts["service"]);
                Assert.Contains("set -a; . '" + envFile + "'; set +a; ", texts["cron"]);
                Assert.Contains(envFile, XDocument.Parse(texts["windows"]).Descendants().Single(e => e.Name.LocalName == "Arguments").Value);
            }
        }

        [Theory]
        [InlineData("EndpointUrl", "https://AKIAKEY:s3cr3tValue@minio.local:9000")]
        [InlineData("Destination", "s3://AKIAKEY:s3cr3tValue@bucket/prefix/")]
        [InlineData("EndpointUrl", "https://minio.local/?X-Amz-Credential=AKIAKEY&X-Amz-Signature=s3cr3tValue")]
        public void A_credential_in_a_URL_is_SecretOnCommandLine_without_echoing_it(string parameter, string url)
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s =>
            {
                if (parameter == "EndpointUrl") s.EndpointUrl = url; else s.Destination = url;
            }));
            Assert.Equal(ErrorIds.SecretOnCommandLine, e.ErrorId);
            Assert.Equal(BqErrorCategory.SecurityError, e.Category);
            Assert.Equal(parameter, e.TargetObject);
            Assert.DoesNotContain("s3cr3tValue", e.Message);
            Assert.Contains("EnvironmentFile", e.RecommendedAction);
        }

        [Fact]
        public void An_endpoint_without_credentials_is_fine()
        {
            Settings(s => s.EndpointUrl = "https://minio.local:9000/path?region=x");
        }

        // ---------------------------------------------------------------------------------------
        // Interval
        // ---------------------------------------------------------------------------------------

        [Theory]
        [InlineData(1, "*-*-* *:*:00", "* * * * *", "PT1M")]
        [InlineData(15, "*-*-* *:00/15:00", "*/15 * * * *", "PT15M")]
        [InlineData(30, "*-*-* *:00/30:00", "*/30 * * * *", "PT30M")]
        [InlineData(60, "*-*-* *:00:00", "0 * * * *", "PT1H")]
        [InlineData(360, "*-*-* 00/6:00:00", "0 */6 * * *", "PT6H")]
        [InlineData(480, "*-*-* 00/8:00:00", "0 */8 * * *", "PT8H")]
        [InlineData(1440, "*-*-* 00:00:00", "0 0 * * *", "P1D")]
        public void Intervals_that_divide_an_hour_or_a_day_are_calendar_times(int minutes, string onCalendar, string cron, string iso)
        {
            var interval = TimeSpan.FromMinutes(minutes);
            var s = Settings(x => x.Interval = interval);
            Assert.Equal(onCalendar, ScheduleBuilder.OnCalendar(interval));
            Assert.Equal(cron, ScheduleBuilder.CronTime(interval));
            Assert.Equal(iso, ScheduleBuilder.IsoDuration(interval));
            var timer = ScheduleBuilder.TimerUnit(s);
            Assert.Contains("\nOnCalendar=" + onCalendar + "\n", timer);
            Assert.Contains("\nPersistent=true\n", timer);
            Assert.DoesNotContain("OnUnitActiveSec", timer);
            Assert.StartsWith(cron + " ", ScheduleBuilder.CronLine(s));
        }

        [Theory]
        [InlineData(420, "7h", "PT7H")]
        [InlineData(90, "1h 30min", "PT1H30M")]
        [InlineData(7 * 1440, "7d", "P7D")]
        [InlineData(36 * 60, "1d 12h", "P1DT12H")]
        public void Other_intervals_are_a_monotonic_timer_and_cron_refuses_them(int minutes, string span, string iso)
        {
            var interval = TimeSpan.FromMinutes(minutes);
            var s = Settings(x => x.Interval = interval);
            var timer = ScheduleBuilder.TimerUnit(s);
            Assert.Null(ScheduleBuilder.OnCalendar(interval));
            Assert.Contains("\nOnUnitActiveSec=" + span + "\n", timer);
            Assert.Contains("\nOnBootSec=15min\n", timer);
            Assert.DoesNotContain("OnCalendar", timer);
            Assert.Equal(iso, ScheduleBuilder.IsoDuration(interval));

            Assert.Null(ScheduleBuilder.CronTime(interval));
            var e = Assert.Throws<BqBackupException>(() => ScheduleBuilder.Validate(s, ScheduleKind.Cron));
            Assert.Equal(ErrorIds.InvalidInterval, e.ErrorId);
            Assert.Contains("divides an hour", e.Message);
        }

        [Fact]
        public void The_default_is_every_6_hours_with_a_small_random_delay()
        {
            var s = Settings();
            Assert.Equal(TimeSpan.FromHours(6), s.Interval);
            Assert.Equal("bqbackup", s.Name);
            var timer = ScheduleBuilder.TimerUnit(s);
            Assert.Contains("\n[Timer]\nOnCalendar=*-*-* 00/6:00:00\nPersistent=true\nRandomizedDelaySec=5min\n", timer);
            Assert.Contains("\n[Install]\nWantedBy=timers.target\n", timer);
            Assert.Equal(TimeSpan.FromSeconds(6), ScheduleBuilder.RandomizedDelay(TimeSpan.FromMinutes(1)));
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(6L)]                                   // -Interval 6: six ticks
        [InlineData(30 * TimeSpan.TicksPerSecond)]
        [InlineData(61 * TimeSpan.TicksPerSecond)]
        [InlineData(32 * TimeSpan.TicksPerDay)]
        [InlineData(-TimeSpan.TicksPerHour)]
        public void Intervals_that_are_not_whole_minutes_from_1_minute_to_31_days_are_InvalidInterval(long ticks)
        {
            foreach (var kind in new[] { ScheduleKind.Systemd, ScheduleKind.Cron, ScheduleKind.WindowsTask })
            {
                var e = Assert.Throws<BqBackupException>(() => ScheduleBuilder.ValidateInterval(TimeSpan.FromTicks(ticks), kind));
                Assert.Equal(ErrorIds.InvalidInterval, e.ErrorId);
            }
        }

        // ---------------------------------------------------------------------------------------
        // cron
        // ---------------------------------------------------------------------------------------

        /// <summary>What cron does to the command before sh sees it: an unescaped % ends the command, \% is %.</summary>
        private static string AsCronRunsIt(string command)
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
        private static List<string> ShWords(string commandLine)
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

        [Fact]
        public void The_crontab_line_is_one_line_that_sh_reads_back_as_the_jobs_arguments()
        {
            if (!File.Exists("/bin/sh")) return; // Windows: no sh to ask
            var s = Settings(x => x.Interval = TimeSpan.FromMinutes(15));
            var line = ScheduleBuilder.CronLine(s);
            Assert.DoesNotContain("\n", line);
            var fields = line.Split(new[] { ' ' }, 6);
            Assert.Equal("*/15 * * * *", string.Join(" ", fields.Take(5)));
            var command = AsCronRunsIt(fields[5]);
            // cron cut nothing off (an unescaped % would end the command there) …
            Assert.EndsWith(" }'", command);
            // … and sh reads exactly the job's arguments, % and all.
            Assert.Equal(ScheduleBuilder.Arguments(s, windows: false), ShWords(command));
        }

        [Fact]
        public void The_crontab_line_sources_the_environment_file_with_set_a()
        {
            var s = Settings(x => x.EnvironmentFile = "/etc/bq backup/it's.env");
            var line = ScheduleBuilder.CronLine(s);
            Assert.StartsWith("0 */6 * * * set -a; . '/etc/bq backup/it'\\''s.env'; set +a; /usr/share/dotnet/dotnet ", line);
        }

        [Theory]
        [InlineData("plain/path-1.db", "plain/path-1.db")]
        [InlineData("a b", "'a b'")]
        [InlineData("it's", "'it'\\''s'")]
        [InlineData("50%", "'50%'")]
        [InlineData("", "''")]
        public void Shell_quoting(string value, string quoted) => Assert.Equal(quoted, ScheduleBuilder.QuoteShell(value));

        // ---------------------------------------------------------------------------------------
        // Windows Task Scheduler
        // ---------------------------------------------------------------------------------------

        private static readonly XNamespace Task = "http://schemas.microsoft.com/windows/2004/02/mit/task";

        private static ScheduleSettings WindowsSettings(Action<ScheduleSettings> change = null)
        {
            var s = new ScheduleSettings
            {
                DatabasePath = @"C:\ProgramData\bun queue\50% full\queue.db",
                Destination = @"D:\backups\a & <b> ""c"" \",
                ModulePath = @"C:\Program Files\PowerShell\Modules\BqBackup\0.1.0\BqBackup.psd1",
                Executable = new[] { @"C:\Program Files\PowerShell\7\pwsh.exe" },
                EnvironmentFile = @"C:\ProgramData\bqbackup\s3.env",
            };
            change?.Invoke(s);
            ScheduleBuilder.Validate(s, ScheduleKind.WindowsTask);
            return s;
        }

        /// <summary>CommandLineToArgvW's rules, as pwsh.exe reads its command line.</summary>
        private static List<string> WindowsArgv(string commandLine)
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

        [Fact]
        public void The_task_XML_is_well_formed_schema_1_2_repeating_every_PT6H()
        {
            var s = WindowsSettings();
            var xml = ScheduleBuilder.WindowsTaskXml(s, new DateTime(2026, 11, 25));
            Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-16\"?>", xml, StringComparison.OrdinalIgnoreCase);
            var doc = XDocument.Parse(xml);
            var task = doc.Root;
            Assert.Equal(Task + "Task", task.Name);
            Assert.Equal("1.2", task.Attribute("version").Value);
            Assert.Equal(new[] { "RegistrationInfo", "Triggers", "Principals", "Settings", "Actions" }, task.Elements().Select(e => e.Name.LocalName));
            var trigger = task.Element(Task + "Triggers").Element(Task + "TimeTrigger");
            // triggerBaseType is a sequence; RandomDelay comes after it (timeTriggerType extends it).
            Assert.Equal(new[] { "Enabled", "StartBoundary", "Repetition", "RandomDelay" }, trigger.Elements().Select(e => e.Name.LocalName));
            Assert.Equal("2026-11-25T00:00:00", trigger.Element(Task + "StartBoundary").Value);
            Assert.Equal("PT6H", trigger.Element(Task + "Repetition").Element(Task + "Interval").Value);
            Assert.Null(trigger.Element(Task + "Repetition").Element(Task + "Duration")); // repeats indefinitely
            Assert.Equal("PT5M", trigger.Element(Task + "RandomDelay").Value);
            var principal = task.Element(Task + "Principals").Element(Task + "Principal");
            Assert.Equal("S-1-5-18", principal.Element(Task + "UserId").Value);
            Assert.Equal(principal.Attribute("id").Value, task.Element(Task + "Actions").Attribute("Context").Value);
            Assert.Equal("IgnoreNew", task.Element(Task + "Settings").Element(Task + "MultipleInstancesPolicy").Value);
        }

        [Fact]
        public void The_task_runs_pwsh_with_arguments_that_read_back_as_the_script()
        {
            var s = WindowsSettings();
            var exec = XDocument.Parse(ScheduleBuilder.WindowsTaskXml(s, new DateTime(2026, 1, 1))).Descendants(Task + "Exec").Single();
            Assert.Equal(@"C:\Program Files\PowerShell\7\pwsh.exe", exec.Element(Task + "Command").Value);
            var arguments = exec.Element(Task + "Arguments").Value;
            Assert.Equal(ScheduleBuilder.WindowsArguments(s), arguments);
            var argv = WindowsArgv(arguments);
            Assert.Equal(new[] { "-NoProfile", "-NonInteractive", "-Command" }, argv.Take(3));
            Assert.Equal(4, argv.Count);
            var script = argv[3];
            Assert.Equal(ScheduleBuilder.PowerShellScript(s, windows: true), script);
            // Task Scheduler expands %VARIABLES% in arguments: % is spelled [char]37 instead.
            Assert.DoesNotContain("%", arguments);
            Assert.Contains(@"New-BqBackup -Path ('C:\ProgramData\bun queue\50'+[char]37+' full\queue.db') -Destination 'D:\backups\a & <b> ""c"" \'", script);
            // No EnvironmentFile= on Windows: the script loads the file's KEY=value lines itself.
            Assert.StartsWith(@"$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'; foreach ($line in Get-Content -LiteralPath 'C:\ProgramData\bqbackup\s3.env')", script);
        }

        [Fact]
        public void A_task_for_a_user_runs_as_that_user_without_a_stored_password()
        {
            var xml = ScheduleBuilder.WindowsTaskXml(WindowsSettings(s => s.User = @"CONTOSO\bunqueue & co"), new DateTime(2026, 1, 1));
            var principal = XDocument.Parse(xml).Descendants(Task + "Principal").Single();
            Assert.Equal(@"CONTOSO\bunqueue & co", principal.Element(Task + "UserId").Value);
            Assert.Equal("S4U", principal.Element(Task + "LogonType").Value);
            Assert.Contains("CONTOSO\\bunqueue &amp; co", xml);
        }

        [Theory]
        [InlineData("plain", "plain")]
        [InlineData("a b", "\"a b\"")]
        [InlineData("a\"b", "\"a\\\"b\"")]
        [InlineData("C:\\dir with space\\", "\"C:\\dir with space\\\\\"")]
        [InlineData("", "\"\"")]
        public void Windows_command_line_quoting(string value, string quoted)
        {
            Assert.Equal(quoted, ScheduleBuilder.QuoteWindows(value));
            Assert.Equal(new[] { value }, WindowsArgv(quoted));
        }

        // ---------------------------------------------------------------------------------------
        // Names, users, pwsh, other settings
        // ---------------------------------------------------------------------------------------

        [Theory]
        [InlineData("")]
        [InlineData(null)]
        [InlineData("a b")]
        [InlineData("../etc/x")]
        [InlineData("x.service")]
        [InlineData("bq%n")]
        [InlineData("bäckup")]
        public void A_name_outside_letters_digits_underscore_and_dash_is_InvalidScheduleName(string name)
        {
            var e = Assert.Throws<BqBackupException>(() => ScheduleBuilder.ValidateName(name));
            Assert.Equal(ErrorIds.InvalidScheduleName, e.ErrorId);
            Assert.Equal(name, e.TargetObject);
        }

        [Theory]
        [InlineData("bqbackup")]
        [InlineData("Bq_Backup-2")]
        public void Good_names_pass(string name)
        {
            ScheduleBuilder.ValidateName(name);
            Assert.Contains($"Description=Run {name}.service every 6 h", ScheduleBuilder.TimerUnit(Settings(s => s.Name = name)));
        }

        [Theory]
        [InlineData("bad user")]
        [InlineData("x%i")]
        [InlineData("-root")]
        public void A_systemd_User_that_is_not_a_user_name_is_InvalidScheduleSetting(string user)
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.User = user));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
            Assert.Equal("User", e.TargetObject);
        }

        [Fact]
        public void A_control_character_in_a_value_is_InvalidScheduleSetting()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.DatabasePath = "/data/queue\n.db"));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
            Assert.Equal("Path", e.TargetObject);
        }

        [Theory]
        [InlineData("/opt/it's/pwsh")]
        [InlineData("/opt/a\"b/pwsh")]
        [InlineData("/opt/a\\b/pwsh")]
        public void A_program_path_systemd_cannot_run_is_InvalidScheduleSetting_but_fine_for_cron(string program)
        {
            var s = Settings(x => x.Name = "ok");
            s.Executable = new[] { program };
            var e = Assert.Throws<BqBackupException>(() => ScheduleBuilder.Validate(s, ScheduleKind.Systemd));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
            Assert.Equal("Executable", e.TargetObject);
            ScheduleBuilder.Validate(s, ScheduleKind.Cron);
        }

        [Fact]
        public void A_bad_retention_is_InvalidRetention()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.Retention = new RetentionPolicy { KeepLast = 0 }));
            Assert.Equal(ErrorIds.InvalidRetention, e.ErrorId);
        }

        [Theory]
        [InlineData("/usr/share/dotnet/dotnet", "/home/u/.nuget/packages/powershell/7.6/tools/net10.0/any/unix", false, "/usr/share/dotnet/dotnet|/home/u/.nuget/packages/powershell/7.6/tools/net10.0/any/unix/pwsh.dll")]
        [InlineData("/opt/microsoft/powershell/7/pwsh", "/opt/microsoft/powershell/7", false, "/opt/microsoft/powershell/7/pwsh")]
        [InlineData(@"C:\Program Files\dotnet\dotnet.exe", @"C:\tools\pwsh", true, @"C:\Program Files\dotnet\dotnet.exe|C:\tools\pwsh\pwsh.dll")]
        [InlineData(@"C:\Program Files\PowerShell\7\pwsh.exe", @"C:\Program Files\PowerShell\7", true, @"C:\Program Files\PowerShell\7\pwsh.exe")]
        [InlineData(@"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", @"C:\Windows\System32\WindowsPowerShell\v1.0", true, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe")]
        [InlineData("/usr/bin/some-host", "/opt/microsoft/powershell/7", false, "/opt/microsoft/powershell/7/pwsh")]
        public void The_job_runs_the_pwsh_that_is_running_now(string processPath, string psHome, bool windows, string expected)
        {
            Assert.Equal(expected.Split('|'), ScheduleBuilder.PwshExecutable(processPath, psHome, windows));
        }
    }
}
