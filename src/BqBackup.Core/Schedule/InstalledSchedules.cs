using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace BqBackup.Schedule
{
    /// <summary>
    /// Reads back the schedules Register-BqBackupSchedule installed (Get-BqBackupSchedule): the
    /// unit files and task XML it wrote, recognised by what it writes into them, never anyone
    /// else's units or tasks. A file that cannot be read is not ours to judge and is passed over.
    /// </summary>
    public static class InstalledSchedules
    {
        /// <summary>The first line of every unit file Register-BqBackupSchedule writes.</summary>
        public const string UnitHeader = "# Written by Register-BqBackupSchedule (BqBackup); remove with Unregister-BqBackupSchedule.";

        /// <summary>How every task's Description begins.</summary>
        public const string TaskDescriptionPrefix = "BqBackup: ";

        /// <summary>The systemd schedules in <paramref name="folder"/>: a timer and a service we wrote, by name; Enabled when the timer is in timers.target.wants.</summary>
        public static IReadOnlyList<ScheduleInfo> FromSystemdUnits(string folder)
        {
            var found = new List<ScheduleInfo>();
            if (!Directory.Exists(folder)) return found;
            foreach (var timerPath in Directory.GetFiles(folder, "*.timer").OrderBy(p => p, StringComparer.Ordinal))
            {
                var name = Path.GetFileNameWithoutExtension(timerPath);
                var servicePath = Path.Combine(folder, SystemdScheduler.ServiceFileName(name));
                var timer = ReadOurs(timerPath);
                var service = ReadOurs(servicePath);
                if (timer == null || service == null) continue;
                var interval = SystemdInterval(Value(timer, "OnCalendar"), Value(timer, "OnUnitActiveSec"));
                found.Add(new ScheduleInfo
                {
                    Name = name,
                    Kind = ScheduleKind.Systemd,
                    Interval = interval ?? TimeSpan.Zero,
                    Trigger = interval.HasValue ? SystemdScheduler.Trigger(interval.Value) : Value(timer, "OnCalendar") ?? Value(timer, "OnUnitActiveSec"),
                    Files = new ReadableList<string> { servicePath, timerPath },
                    Command = Value(service, "ExecStart"),
                    Enabled = File.Exists(Path.Combine(folder, "timers.target.wants", SystemdScheduler.TimerFileName(name))),
                });
            }
            return found;
        }

        /// <summary>A task we registered, from its XML (schtasks /Query /XML, or a file written with -NoEnable); null when the XML is not one of ours.</summary>
        public static ScheduleInfo FromTaskXml(string name, string xml, string file, bool registered)
        {
            XDocument document;
            try { document = XDocument.Parse(xml); }
            catch (XmlException) { return null; }
            string Text(string element) => document.Descendants().FirstOrDefault(e => e.Name.LocalName == element)?.Value;
            if (!(Text("Description") ?? string.Empty).StartsWith(TaskDescriptionPrefix, StringComparison.Ordinal)) return null;
            TimeSpan interval;
            try { interval = XmlConvert.ToTimeSpan(Text("Interval") ?? string.Empty); }
            catch (FormatException) { interval = TimeSpan.Zero; }
            var settings = document.Descendants().FirstOrDefault(e => e.Name.LocalName == "Settings");
            var enabled = settings?.Elements().FirstOrDefault(e => e.Name.LocalName == "Enabled")?.Value;
            return new ScheduleInfo
            {
                Name = name,
                Kind = ScheduleKind.WindowsTask,
                Interval = interval,
                Trigger = Text("Interval"),
                Files = file == null ? new ReadableList<string>() : new ReadableList<string> { file },
                Command = (Quoting.Windows(Text("Command") ?? string.Empty) + " " + Text("Arguments")).Trim(),
                Enabled = registered && !string.Equals(enabled, "false", StringComparison.OrdinalIgnoreCase),
            };
        }

        /// <summary>The task XML files written with -NoEnable in <paramref name="folder"/>.</summary>
        public static IReadOnlyList<ScheduleInfo> FromTaskFiles(string folder)
        {
            if (!Directory.Exists(folder)) return new ScheduleInfo[0];
            return Directory.GetFiles(folder, "*.xml").OrderBy(p => p, StringComparer.Ordinal)
                .Select(p => { var xml = ReadAll(p); return xml == null ? null : FromTaskXml(Path.GetFileNameWithoutExtension(p), xml, p, registered: false); })
                .Where(s => s != null).ToList();
        }

        /// <summary>
        /// The schedules whose names match any of <paramref name="namePatterns"/> (wildcards read as
        /// -Name of Get-BqBackup reads them), in order; each literal name that matches none is
        /// handed to <paramref name="notFound"/> as ScheduleNotFound.
        /// </summary>
        public static IReadOnlyList<ScheduleInfo> Select(IEnumerable<ScheduleInfo> schedules, IEnumerable<string> namePatterns, string where,
            Action<BqBackupException> notFound)
        {
            var patterns = namePatterns.Select(Catalog.BackupNamePattern.Parse).ToList();
            var all = schedules.ToList();
            foreach (var literal in patterns.Where(p => !p.HasWildcards))
                if (!all.Any(s => literal.IsMatch(s.Name)))
                    notFound?.Invoke(ScheduleErrors.NotFound($"No schedule named '{literal.Text}' is installed {where}.", literal.Text));
            return all.Where(s => patterns.Any(p => p.IsMatch(s.Name))).ToList();
        }

        /// <summary>
        /// How to remove a schedule as an object describes it (Get-BqBackupSchedule's, or
        /// Register-BqBackupSchedule's): in the folder its files are in, and, when it is not
        /// enabled, by deleting the files only (there is nothing to disable).
        /// </summary>
        public static SchedulerOptions RemovalOptions(ScheduleInfo schedule) => new SchedulerOptions
        {
            UnitDirectory = schedule.Files != null && schedule.Files.Count > 0 ? Path.GetDirectoryName(schedule.Files[0]) : null,
            FilesOnly = !schedule.Enabled,
        };

        /// <summary>The interval a timer we wrote says: the OnCalendar= that interval writes, or its OnUnitActiveSec= span.</summary>
        public static TimeSpan? SystemdInterval(string onCalendar, string onUnitActiveSec)
        {
            if (onCalendar != null)
            {
                // The same rule that wrote it, run backwards over every interval that can be on the clock.
                for (var minutes = 1; minutes <= 24 * 60; minutes++)
                    if (SystemdScheduler.OnCalendar(TimeSpan.FromMinutes(minutes)) == onCalendar) return TimeSpan.FromMinutes(minutes);
                return null;
            }
            if (onUnitActiveSec == null) return null;
            var total = TimeSpan.Zero;
            var parts = Regex.Matches(onUnitActiveSec, @"(\d+)\s*(d|h|min|s)\b");
            if (parts.Count == 0) return null;
            foreach (Match m in parts)
            {
                var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                total += m.Groups[2].Value == "d" ? TimeSpan.FromDays(n) : m.Groups[2].Value == "h" ? TimeSpan.FromHours(n) : m.Groups[2].Value == "min" ? TimeSpan.FromMinutes(n) : TimeSpan.FromSeconds(n);
            }
            return total;
        }

        private static string ReadOurs(string path)
        {
            var text = File.Exists(path) ? ReadAll(path) : null;
            return text != null && text.StartsWith(UnitHeader, StringComparison.Ordinal) ? text : null;
        }

        private static string ReadAll(string path)
        {
            try { return File.ReadAllText(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }

        /// <summary>The value of the first "Key=" line of a unit file, or null.</summary>
        private static string Value(string unit, string key) =>
            unit.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(key + "=", StringComparison.Ordinal)).Select(l => l.Substring(key.Length + 1)).FirstOrDefault();
    }
}
