using System;

namespace BqBackup.Schedule
{
    /// <summary>What Register-BqBackupSchedule installed (or, with -WhatIf, would install).</summary>
    public class ScheduleInfo
    {
        public string Name { get; set; }
        public ScheduleKind Kind { get; set; }
        /// <summary>Interval in seconds: the form exports carry (scripts read Interval, a TimeSpan).</summary>
        public double IntervalSeconds => Durations.Seconds(Interval);
        internal TimeSpan Interval { get; set; }

        /// <summary>The trigger as the scheduler spells it: OnCalendar=…, OnUnitActiveSec=…, a cron time, PT6H.</summary>
        public string Trigger { get; set; }

        /// <summary>The files written: the service and the timer; none for cron and Windows.</summary>
        public ReadableList<string> Files { get; set; } = new ReadableList<string>();

        /// <summary>What runs each time, as a command line for the platform's shell (sh, or Windows').</summary>
        public string Command { get; set; }

        /// <summary>The age recipients (age1… public keys) each backup is encrypted to; empty when none was given.</summary>
        public ReadableList<string> Recipients { get; set; } = new ReadableList<string>();

        /// <summary>The age recipients files the job reads when it runs; empty when none was given.</summary>
        public ReadableList<string> RecipientFile { get; set; } = new ReadableList<string>();

        /// <summary>Whether the schedule was enabled (systemctl enable --now, or the task registered).</summary>
        public bool Enabled { get; set; }

        public override string ToString() => $"{Kind} {Name} every {ScheduleInterval.Describe(Interval)}";
    }
}
