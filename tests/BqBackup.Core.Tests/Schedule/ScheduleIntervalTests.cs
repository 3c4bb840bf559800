using System;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    /// <summary>One arithmetic for the clock: the systemd calendar and cron's fields agree on which intervals run on the clock.</summary>
    public class ScheduleIntervalTests
    {
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
            Assert.Equal(onCalendar, SystemdScheduler.OnCalendar(interval));
            Assert.Equal(cron, CronScheduler.Time(interval));
            Assert.Equal(iso, WindowsTaskScheduler.IsoDuration(interval));
            var timer = SystemdScheduler.TimerUnit(s);
            Assert.Contains("\nOnCalendar=" + onCalendar + "\n", timer);
            Assert.Contains("\nPersistent=true\n", timer);
            Assert.DoesNotContain("OnUnitActiveSec", timer);
            Assert.StartsWith(cron + " ", CronScheduler.Line(s));
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
            var timer = SystemdScheduler.TimerUnit(s);
            Assert.Null(SystemdScheduler.OnCalendar(interval));
            Assert.Contains("\nOnUnitActiveSec=" + span + "\n", timer);
            Assert.Contains("\nOnBootSec=15min\n", timer);
            Assert.DoesNotContain("OnCalendar", timer);
            Assert.Equal(iso, WindowsTaskScheduler.IsoDuration(interval));

            Assert.Null(CronScheduler.Time(interval));
            var e = Assert.Throws<BqBackupException>(() => ScheduleValidation.Validate(s, new CronScheduler()));
            Assert.Equal(ErrorIds.InvalidInterval, e.ErrorId);
            Assert.Contains("divides an hour", e.Message);
        }

        [Fact]
        public void Every_whole_minute_interval_up_to_a_day_is_on_the_clock_for_both_or_for_neither()
        {
            for (var minutes = 1; minutes <= 31 * 1440; minutes += minutes < 1440 ? 1 : 60)
            {
                var interval = TimeSpan.FromMinutes(minutes);
                var onTheClock = minutes < 60 ? 60 % minutes == 0 : minutes % 60 == 0 && minutes <= 1440 && 1440 % minutes == 0;
                Assert.Equal(onTheClock, SystemdScheduler.OnCalendar(interval) != null);
                Assert.Equal(onTheClock, CronScheduler.Time(interval) != null);
            }
        }

        [Fact]
        public void The_default_is_every_6_hours_with_a_small_random_delay()
        {
            var s = Settings();
            Assert.Equal(TimeSpan.FromHours(6), s.Interval);
            Assert.Equal("bqbackup", s.Name);
            var timer = SystemdScheduler.TimerUnit(s);
            Assert.Contains("\n[Timer]\nOnCalendar=*-*-* 00/6:00:00\nPersistent=true\nRandomizedDelaySec=5min\n", timer);
            Assert.Contains("\n[Install]\nWantedBy=timers.target\n", timer);
            Assert.Equal(TimeSpan.FromSeconds(6), ScheduleInterval.RandomizedDelay(TimeSpan.FromMinutes(1)));
        }

        [Theory]
        [InlineData(360, "6 h", "6h")]
        [InlineData(90, "1 h 30 min", "1h 30min")]
        [InlineData(36 * 60, "1 d 12 h", "1d 12h")]
        public void Spans_are_written_for_people_and_for_systemd(int minutes, string described, string systemd)
        {
            Assert.Equal(described, ScheduleInterval.Describe(TimeSpan.FromMinutes(minutes)));
            Assert.Equal(systemd, ScheduleInterval.SystemdSpan(TimeSpan.FromMinutes(minutes)));
        }
    }
}
