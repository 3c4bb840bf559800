# Register-BqBackupSchedule and Unregister-BqBackupSchedule: the units it writes pass systemd's own
# checker, the command they run really backs up, the crontab line really runs under sh as cron
# would run it, and no secret ever reaches a file, a line or the -WhatIf text.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule

    # Every character the quoting must survive: a space, a quote, a %, and a $ that no shell may expand.
    $script:weird = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'sched it''s 50% $HOME')
    $script:db = Join-Path $weird 'queue.db'
    New-SampleDatabase -Path $db -Jobs 60 | Out-Null
    $script:systemdAnalyze = Get-Command systemd-analyze -CommandType Application -ErrorAction Ignore | Select-Object -First 1

    # A PowerShell literal, for commands run by Invoke-ChildPwsh.
    function Q([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

    function Get-ErrorOf([scriptblock] $Command) {
        try { & $Command; $null } catch { $_ }
    }

    # A file only its owner can read, as an environment file with secrets should be.
    function New-EnvironmentFile([string] $Path, [string[]] $Lines) {
        Set-Content -LiteralPath $Path -Value $Lines
        if (-not $IsWindows) { chmod 600 $Path }
        $Path
    }

    # ExecStart= as systemd reads it (systemd.service(5), "Command lines"): %% is %, words split
    # on blanks, "…" and '…' group with backslash escapes, then $$ is $ in the arguments (the
    # program's path is taken as it is).
    function ConvertFrom-ExecStart([string] $Line) {
        $Line = $Line.Replace('%%', '%')
        $words = [System.Collections.Generic.List[string]]::new()
        $i = 0
        while ($true) {
            while ($i -lt $Line.Length -and [char]::IsWhiteSpace($Line[$i])) { $i++ }
            if ($i -ge $Line.Length) { break }
            $quote = [char] 0
            if ($Line[$i] -eq [char] '"' -or $Line[$i] -eq [char] "'") { $quote = $Line[$i]; $i++ }
            $word = [System.Text.StringBuilder]::new()
            while ($i -lt $Line.Length) {
                $c = $Line[$i]; $i++
                if ($quote -ne [char] 0 -and $c -eq $quote) { break }
                if ($quote -eq [char] 0 -and [char]::IsWhiteSpace($c)) { break }
                if ($c -eq [char] '\' -and $i -lt $Line.Length) { $c = $Line[$i]; $i++ }
                [void] $word.Append($c)
            }
            $words.Add($(if ($words.Count -eq 0) { $word.ToString() } else { $word.ToString().Replace('$$', '$') }))
        }
        , $words.ToArray()
    }

    function Get-ExecStart([string] $ServiceFile) {
        $line = (Get-Content -LiteralPath $ServiceFile) -match '^ExecStart=' | Select-Object -First 1
        ConvertFrom-ExecStart $line.Substring('ExecStart='.Length)
    }

    # Runs argv with only the environment systemd gives a system service (PATH, no HOME).
    function Invoke-AsSystemd([string[]] $Argv) {
        $out = & /usr/bin/env -i 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin' @Argv 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String) }
    }

    # What cron does to a crontab line (crontab(5), cron's do_command): five time fields, then the
    # command, in which an unescaped % ends the command and \% is a %; sh -c runs the rest, with
    # cron's environment (HOME, LOGNAME, SHELL=/bin/sh, PATH=/usr/bin:/bin).
    function Invoke-AsCron([string] $Line, [string] $HomeDir) {
        $command = ($Line -split '\s+', 6)[5]
        $b = [System.Text.StringBuilder]::new(); $escaped = $false
        foreach ($c in $command.ToCharArray()) {
            if ($escaped) { if ($c -eq [char] '%') { $b.Length-- }; [void] $b.Append($c); $escaped = $false; continue }
            if ($c -eq [char] '\') { $escaped = $true; [void] $b.Append($c); continue }
            if ($c -eq [char] '%') { break }
            [void] $b.Append($c)
        }
        $out = & /usr/bin/env -i "HOME=$HomeDir" 'LOGNAME=root' 'SHELL=/bin/sh' 'PATH=/usr/bin:/bin' /bin/sh -c $b.ToString() 2>&1
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($out | Out-String); Command = $b.ToString() }
    }
}

Describe 'The schedule cmdlets'' parameters are their contract' {
    It 'Register-BqBackupSchedule has -<Name>' -ForEach @(
        @{ Name = 'Name'; Type = 'string' }
        @{ Name = 'Path'; Type = 'string' }
        @{ Name = 'Destination'; Type = 'string' }
        @{ Name = 'Interval'; Type = 'timespan' }
        @{ Name = 'RetentionDays'; Type = 'int' }
        @{ Name = 'KeepLast'; Type = 'int' }
        @{ Name = 'KeepHourly'; Type = 'int' }
        @{ Name = 'KeepDaily'; Type = 'int' }
        @{ Name = 'KeepWeekly'; Type = 'int' }
        @{ Name = 'KeepMonthly'; Type = 'int' }
        @{ Name = 'KeepYearly'; Type = 'int' }
        @{ Name = 'EnvironmentFile'; Type = 'string' }
        @{ Name = 'ProfileName'; Type = 'string' }
        @{ Name = 'EndpointUrl'; Type = 'string' }
        @{ Name = 'Region'; Type = 'string' }
        @{ Name = 'User'; Type = 'string' }
        @{ Name = 'Recipient'; Type = 'string[]' }
        @{ Name = 'RecipientFile'; Type = 'string[]' }
        @{ Name = 'MinimalMetadata'; Type = 'switch' }
        @{ Name = 'UnitDirectory'; Type = 'string' }
        @{ Name = 'NoEnable'; Type = 'switch' }
        @{ Name = 'AsCron'; Type = 'switch' }
        @{ Name = 'Force'; Type = 'switch' }
        @{ Name = 'WhatIf'; Type = 'switch' }
        @{ Name = 'Confirm'; Type = 'switch' }
    ) {
        Get-Command Register-BqBackupSchedule | Should -HaveParameter $Name -Type $Type
    }

    It 'Unregister-BqBackupSchedule has -<Name>' -ForEach @(
        @{ Name = 'Name'; Type = 'string' }
        @{ Name = 'UnitDirectory'; Type = 'string' }
        @{ Name = 'NoDisable'; Type = 'switch' }
        @{ Name = 'WhatIf'; Type = 'switch' }
        @{ Name = 'Confirm'; Type = 'switch' }
    ) {
        Get-Command Unregister-BqBackupSchedule | Should -HaveParameter $Name -Type $Type
    }

    It 'takes no secret: there is no -<Name> to pass one' -ForEach @(
        @{ Name = 'SecretKey' }, @{ Name = 'AccessKey' }, @{ Name = 'Credential' }, @{ Name = 'SessionToken' }
        @{ Name = 'IdentityFile' }, @{ Name = 'Identity' }, @{ Name = 'Passphrase' }
    ) {
        (Get-Command Register-BqBackupSchedule).Parameters.Keys | Should -Not -Contain $Name
    }

    It '-AsCron cannot be combined with the install parameters' {
        { Register-BqBackupSchedule -AsCron -Path $db -Destination $TestDrive -NoEnable } | Should -Throw -ErrorId 'AmbiguousParameterSet,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'defaults to the name bqbackup, every 6 hours, and /etc/systemd/system' {
        $cron = Register-BqBackupSchedule -AsCron -Path $db -Destination (Join-Path $TestDrive 'defaults')
        $cron.Name | Should -Be 'bqbackup'
        $cron.Interval | Should -Be ([timespan]::FromHours(6))
        $out = Invoke-ChildPwsh "Register-BqBackupSchedule -Path $(Q $db) -Destination $(Q (Join-Path $TestDrive 'defaults')) -WhatIf"
        $out | Should -Match ([regex]::Escape('/etc/systemd/system/bqbackup.service'))
        $out | Should -Match ([regex]::Escape('systemctl enable --now bqbackup.timer'))
    }
}

Describe 'Register-BqBackupSchedule with systemd' -Skip:$IsWindows {
    BeforeAll {
        $script:units = Join-Path $TestDrive 'units'
        $script:dest = Join-Path $weird 'backups'
        $script:result = Register-BqBackupSchedule -Name bqverify -Path $db -Destination $dest -KeepLast 5 -User root -UnitDirectory $units -NoEnable
        $script:service = Join-Path $units 'bqverify.service'
        $script:timer = Join-Path $units 'bqverify.timer'
    }

    It 'writes the service and the timer, 0644, and says what it installed' {
        $service | Should -Exist
        $timer | Should -Exist
        foreach ($file in $service, $timer) { [Convert]::ToString([int] (Get-Item $file).UnixFileMode, 8) | Should -Be '644' }
        $result.Name | Should -Be 'bqverify'
        $result.Kind | Should -Be 'Systemd'
        $result.Interval | Should -Be ([timespan]::FromHours(6))
        $result.Files | Should -Be @($service, $timer)
        $result.Enabled | Should -BeFalse
        $result.Command | Should -Match 'New-BqBackup'
        Get-Content -Raw $service | Should -Match '(?m)^User=root$'
        Get-Content -Raw $timer | Should -Match '(?m)^OnCalendar=\*-\*-\* 00/6:00:00$'
        Get-Content -Raw $timer | Should -Match '(?m)^Persistent=true$'
    }

    It 'systemd-analyze verify accepts the units' {
        if (-not $systemdAnalyze) { Set-ItResult -Skipped -Because 'systemd-analyze is not installed on this machine (Debian: apt-get install systemd)'; return }
        $out = & $systemdAnalyze.Source verify $service $timer 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Not -Match 'bqverify' -Because 'systemd-analyze should have nothing to say about our units'
    }

    It 'systemd-analyze verify accepts a monotonic timer (-Interval 7h) with an environment file' {
        if (-not $systemdAnalyze) { Set-ItResult -Skipped -Because 'systemd-analyze is not installed on this machine (Debian: apt-get install systemd)'; return }
        $envFile = New-EnvironmentFile (Join-Path $weird 'seven.env') @('S3_BACKUP_RETENTION=3')
        $r = Register-BqBackupSchedule -Name bqseven -Path $db -Destination $dest -Interval (New-TimeSpan -Hours 7) -EnvironmentFile $envFile -User root -UnitDirectory $units -NoEnable
        $r.Trigger | Should -Be 'OnBootSec=15min OnUnitActiveSec=7h'
        Get-Content -Raw $r.Files[0] | Should -Match ('(?m)^EnvironmentFile=' + [regex]::Escape($envFile.Replace('%', '%%')) + '$')
        $out = & $systemdAnalyze.Source verify @($r.Files) 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $out | Should -Not -Match 'bqseven'
    }

    It 'the command in ExecStart= really backs up, then expires' {
        $argv = Get-ExecStart $service
        $argv[0] | Should -Be ([Environment]::ProcessPath)
        $run = Invoke-AsSystemd $argv
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $backups = @(Get-BqBackup -Destination $dest)
        $backups | Should -HaveCount 1
        $backups[0].Counts.Jobs | Should -Be 60
        $backups[0].SourcePath | Should -Be $db
    }

    It 'a run that fails exits non-zero and expires nothing' {
        $missing = Join-Path $weird 'missing.db'
        $r = Register-BqBackupSchedule -Name bqfail -Path $missing -Destination $dest -UnitDirectory $units -NoEnable -WarningAction SilentlyContinue
        $before = @(Get-BqBackup -Destination $dest).Count
        $run = Invoke-AsSystemd (Get-ExecStart $r.Files[0])
        $run.ExitCode | Should -Not -Be 0
        $run.Output | Should -Match 'DatabaseNotFound|does not exist'
        @(Get-BqBackup -Destination $dest).Count | Should -Be $before
    }

    It 'an ExecStart= whose program path has a space and a % is accepted and runs' {
        if (-not $systemdAnalyze) { Set-ItResult -Skipped -Because 'systemd-analyze is not installed on this machine (Debian: apt-get install systemd)'; return }
        # The same scheduler the cmdlet uses, with the running pwsh reached through a link in an awkward folder.
        # (Not a quote or a backslash: systemd refuses those in a program's path, and so does the scheduler.)
        $bin = New-Item -ItemType Directory (Join-Path $TestDrive 'bin 100% $x')
        $exe = [Environment]::ProcessPath
        $link = Join-Path $bin (Split-Path $exe -Leaf)
        New-Item -ItemType SymbolicLink -Path $link -Target $exe | Out-Null
        $executable = [BqBackup.Schedule.ScheduleJob]::PwshExecutable($exe, $PSHOME, $false)
        $executable[0] = $link
        $settings = [BqBackup.Schedule.ScheduleSettings]@{
            Name = 'bqlinked'; DatabasePath = $db; Destination = (Join-Path $weird 'linked')
            ModulePath = (Join-Path (Get-Module BqBackup).ModuleBase 'BqBackup.psd1'); Executable = [string[]] $executable
        }
        [BqBackup.Schedule.ScheduleValidation]::Validate($settings, [BqBackup.Schedule.SystemdScheduler]::new())
        $file = Join-Path $units 'bqlinked.service'
        Set-Content -LiteralPath $file -Value ([BqBackup.Schedule.SystemdScheduler]::ServiceUnit($settings)) -NoNewline
        Get-Content -Raw $file | Should -Match ('(?m)^ExecStart="' + [regex]::Escape($link.Replace('%', '%%')) + '" ')
        $out = & $systemdAnalyze.Source verify $file 2>&1 | Out-String
        $LASTEXITCODE | Should -Be 0 -Because $out
        $run = Invoke-AsSystemd (Get-ExecStart $file)
        $run.ExitCode | Should -Be 0 -Because $run.Output
        Get-BqBackup -Destination (Join-Path $weird 'linked') | Should -HaveCount 1
    }

    It '-WhatIf writes nothing and prints both unit files' {
        $whatIfUnits = Join-Path $TestDrive 'whatif-units'
        $out = Invoke-ChildPwsh "Register-BqBackupSchedule -Name bqwhatif -Path $(Q $db) -Destination $(Q $dest) -KeepDaily 7 -UnitDirectory $(Q $whatIfUnits) -WhatIf"
        Test-Path $whatIfUnits | Should -BeFalse
        $out | Should -Match 'What if: Install the systemd timer ''bqwhatif'''
        $out | Should -Match ([regex]::Escape("--- $(Join-Path $whatIfUnits 'bqwhatif.service') ---"))
        $out | Should -Match ([regex]::Escape("--- $(Join-Path $whatIfUnits 'bqwhatif.timer') ---"))
        $out | Should -Match '\[Service\]'
        $out | Should -Match 'Type=oneshot'
        $out | Should -Match 'ExecStart=.*New-BqBackup -Path .*Remove-BqBackupExpired -KeepDaily 7'
        $out | Should -Match '\[Timer\]'
        $out | Should -Match 'OnCalendar=\*-\*-\* 00/6:00:00'
        $out | Should -Match 'WantedBy=timers.target'
    }

    It 'refuses to replace a schedule without -Force, and replaces it with -Force' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -Name bqverify -Path $db -Destination $dest -UnitDirectory $units -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'ScheduleExists,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.CategoryInfo.Category | Should -Be 'ResourceExists'
        $r = Register-BqBackupSchedule -Name bqverify -Path $db -Destination $dest -Interval '00:30:00' -UnitDirectory $units -NoEnable -Force
        Get-Content -Raw $r.Files[1] | Should -Match '(?m)^OnCalendar=\*-\*-\* \*:00/30:00$'
    }

    It 'says what it wrote and deleted (-Verbose); Unregister -WhatIf names the files and the systemctl it would run' {
        $service = Join-Path $units 'bqsays.service'
        $timer = Join-Path $units 'bqsays.timer'
        $said = Register-BqBackupSchedule -Name bqsays -Path $db -Destination $dest -UnitDirectory $units -NoEnable -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        "$said" | Should -Match ([regex]::Escape("Wrote '$service' and '$timer'."))
        $out = Invoke-ChildPwsh "Unregister-BqBackupSchedule -Name bqsays -UnitDirectory $(Q $units) -WhatIf"
        $out | Should -Match ([regex]::Escape("What if: systemctl disable --now bqsays.timer, delete '$timer' and '$service', systemctl daemon-reload"))
        $service, $timer | Should -Exist
        $said = Unregister-BqBackupSchedule -Name bqsays -UnitDirectory $units -NoDisable -Verbose 4>&1
        "$said" | Should -Match ([regex]::Escape("Deleted '$timer' and '$service'."))
        $service, $timer | ForEach-Object { $_ | Should -Not -Exist }
    }

    It 'Unregister-BqBackupSchedule removes both files, and then finds nothing to remove' {
        $r = Register-BqBackupSchedule -Name bqgone -Path $db -Destination $dest -UnitDirectory $units -NoEnable
        $r.Files | Should -Exist
        Unregister-BqBackupSchedule -Name bqgone -UnitDirectory $units -NoDisable -WhatIf
        $r.Files | Should -Exist
        Unregister-BqBackupSchedule -Name bqgone -UnitDirectory $units -NoDisable | Should -BeNullOrEmpty
        $r.Files | ForEach-Object { $_ | Should -Not -Exist }
        Join-Path $units 'bqverify.service' | Should -Exist -Because 'other schedules stay'
        $e = Get-ErrorOf { Unregister-BqBackupSchedule -Name bqgone -UnitDirectory $units -NoDisable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'ScheduleNotFound,BqBackup.Commands.UnregisterBqBackupScheduleCommand'
    }
}

Describe 'Register-BqBackupSchedule -AsCron' -Skip:$IsWindows {
    BeforeAll {
        $script:cronDest = Join-Path $weird 'cron backups'
    }

    It 'prints one valid crontab line and writes nothing' {
        $units = Join-Path $TestDrive 'cron-units'
        $out = Invoke-ChildPwsh "Register-BqBackupSchedule -AsCron -Path $(Q $db) -Destination $(Q $cronDest) -Interval '00:15:00' -KeepLast 3"
        $lines = @($out.Trim() -split '\r?\n')
        $lines | Should -HaveCount 1
        $fields = $lines[0] -split '\s+', 6
        $fields | Should -HaveCount 6
        $fields[0..4] -join ' ' | Should -Be '*/15 * * * *'
        foreach ($field in $fields[0..4]) { $field | Should -Match '^(\*|\*/\d+|\d+)$' }
        $fields[5] | Should -Match 'New-BqBackup'
        Test-Path $units | Should -BeFalse
        Test-Path $cronDest | Should -BeFalse
        $r = Register-BqBackupSchedule -AsCron -Path $db -Destination $cronDest -Interval '00:15:00' -KeepLast 3
        $r | Should -BeOfType [string]
        $r | Should -Be $lines[0]
        $r.Kind | Should -Be 'Cron'
        $r.Name | Should -Be 'bqbackup'
        $r.Interval | Should -Be ([timespan]::FromMinutes(15))
        $r.Files | Should -BeNullOrEmpty
    }

    It 'the line runs under sh as cron runs it, taking the database from the sourced environment file' {
        $envFile = New-EnvironmentFile (Join-Path $weird 'cron.env') @("BUNQUEUE_DATA_PATH='$($db.Replace("'", "'\''"))'")
        $r = Register-BqBackupSchedule -AsCron -EnvironmentFile $envFile -Destination $cronDest -Interval '01:00:00'
        $r | Should -Match '^0 \* \* \* \* set -a; \. '
        $r | Should -Not -Match ([regex]::Escape($db)) -Because 'the database path came from the environment file'
        $run = Invoke-AsCron $r -HomeDir (New-Item -ItemType Directory (Join-Path $TestDrive 'cron-home')).FullName
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $backups = @(Get-BqBackup -Destination $cronDest)
        $backups | Should -HaveCount 1
        $backups[0].SourcePath | Should -Be $db
    }

    It 'refuses an interval cron cannot express: InvalidInterval' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Path $db -Destination $cronDest -Interval (New-TimeSpan -Hours 7) -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidInterval,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.ErrorDetails.Message | Should -Match 'divides an hour'
    }
}

Describe 'Bad schedule input gets a clear error' -Skip:$IsWindows {
    BeforeAll {
        $script:units = Join-Path $TestDrive 'bad-units'
        $script:dest = Join-Path $TestDrive 'bad-dest'
    }

    It 'a -Name outside [A-Za-z0-9_-]: InvalidScheduleName, for both cmdlets' -ForEach @(
        @{ Bad = 'my backup' }, @{ Bad = '../escape' }, @{ Bad = 'x.service' }, @{ Bad = '' }
    ) {
        $e = Get-ErrorOf { Register-BqBackupSchedule -Name $Bad -Path $db -Destination $dest -UnitDirectory $units -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidScheduleName,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e.TargetObject | Should -Be $Bad
        $e = Get-ErrorOf { Unregister-BqBackupSchedule -Name $Bad -UnitDirectory $units -NoDisable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidScheduleName,BqBackup.Commands.UnregisterBqBackupScheduleCommand'
        Test-Path $units | Should -BeFalse
    }

    It 'an interval below a minute or a bare number (ticks): InvalidInterval' -ForEach @(
        @{ Interval = '00:00:30' }, @{ Interval = 6 }, @{ Interval = '32.00:00:00' }
    ) {
        $e = Get-ErrorOf { Register-BqBackupSchedule -Path $db -Destination $dest -Interval $Interval -UnitDirectory $units -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidInterval,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'a credential in -EndpointUrl: SecretOnCommandLine, without repeating it, and nothing written' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -Path $db -Destination 's3://bucket/p/' -EndpointUrl 'https://AKIAKEY:hunter2secret@minio.local' -UnitDirectory $units -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'SecretOnCommandLine,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.CategoryInfo.Category | Should -Be 'SecurityError'
        "$e $($e.ErrorDetails.Message) $($e.TargetObject)" | Should -Not -Match 'hunter2secret'
        $e.ErrorDetails.RecommendedAction | Should -Match 'EnvironmentFile'
        Test-Path $units | Should -BeFalse
    }

    It 'a credential in an s3:// -Destination: SecretOnCommandLine' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Path $db -Destination 's3://AKIAKEY:hunter2secret@bucket/p/' -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'SecretOnCommandLine,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'a missing environment file: EnvironmentFileNotFound' {
        $missing = Join-Path $TestDrive 'no.env'
        $e = Get-ErrorOf { Register-BqBackupSchedule -Path $db -Destination $dest -EnvironmentFile $missing -UnitDirectory $units -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'EnvironmentFileNotFound,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.TargetObject | Should -Be $missing
    }

    It 'an environment file every user can read: a warning' {
        $open = Join-Path $TestDrive 'open.env'
        Set-Content $open 'S3_SECRET_ACCESS_KEY=x'
        chmod 644 $open
        Register-BqBackupSchedule -AsCron -Path $db -Destination $dest -EnvironmentFile $open -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null
        "$warnings" | Should -Match 'chmod 600'
    }

    It 'S3 credentials in the session: a warning that they are not copied, and they are not' {
        $register = {
            $line = Register-BqBackupSchedule -AsCron -Path $db -Destination 's3://bqtest/backups/' -WarningVariable warned -WarningAction SilentlyContinue
            [pscustomobject]@{ Line = "$line"; Warnings = "$warned" }
        }
        $r = Invoke-WithEnvironment @{ AWS_SECRET_ACCESS_KEY = 'sessionSecret/0123456789abcdef'; S3_SECRET_ACCESS_KEY = $null } $register
        $r.Warnings | Should -Match 'never copies them'
        $r.Line | Should -Not -Match 'sessionSecret'
        $r = Invoke-WithEnvironment @{ AWS_SECRET_ACCESS_KEY = $null; S3_SECRET_ACCESS_KEY = $null } $register
        $r.Warnings | Should -Not -Match 'never copies them' -Because 'without credentials in the session there is nothing to warn about'
    }

    It 'no -Path and no -EnvironmentFile: DatabasePathRequired' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Destination $dest -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'DatabasePathRequired,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'a retention of zero: InvalidRetention' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Path $db -Destination $dest -KeepLast 0 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'InvalidRetention,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'systemctl that cannot run: ScheduleCommandFailed, with the files left written' {
        if (Test-Path /run/systemd/system) { Set-ItResult -Skipped -Because 'this machine runs systemd: enabling would really install the timer'; return }
        $e = Get-ErrorOf { Register-BqBackupSchedule -Name bqnosystemd -Path $db -Destination $dest -UnitDirectory $units -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'ScheduleCommandFailed,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.ErrorDetails.RecommendedAction | Should -Match 'NoEnable'
        Join-Path $units 'bqnosystemd.timer' | Should -Exist
    }
}

Describe 'Register-BqBackupSchedule encrypts with age to public keys only' -Skip:$IsWindows {
    BeforeAll {
        $script:units = Join-Path $TestDrive 'age-units'
        $script:ageDest = Join-Path $weird 'age backups'
        # Two key pairs: one recipient given as -Recipient, the other in a recipients file.
        $script:ids = 1..2 | ForEach-Object { [BqBackup.Codec.Age.AgeX25519Identity]::Generate() }
        $script:keys = $ids | ForEach-Object { $_.Recipient.ToString() }
        $script:secrets = $ids | ForEach-Object { $_.ExportSecretKey() }
        $script:identityFile = Join-Path $TestDrive 'identity.txt'
        Set-Content -LiteralPath $identityFile -Value "# created by the test`n$($secrets[0])"
        chmod 600 $identityFile
        $script:recipientsFile = Join-Path $weird 'recipients.txt'
        Set-Content -LiteralPath $recipientsFile -Value "# break-glass`n$($keys[1])"
    }

    AfterAll {
        $ids | ForEach-Object { $_.Dispose() }
    }

    It 'carries -Recipient and -RecipientFile into the unit, and the job takes an encrypted backup' {
        $r = Register-BqBackupSchedule -Name bqage -Path $db -Destination $ageDest -Recipient $keys[0] -RecipientFile $recipientsFile -MinimalMetadata -UnitDirectory $units -NoEnable
        $r.Recipients | Should -Be @($keys[0])
        $r.RecipientFile | Should -Be @($recipientsFile)
        $argv = Get-ExecStart $r.Files[0]
        $argv[-1] | Should -Match ([regex]::Escape("-Recipient '$($keys[0])' -RecipientFile '$($recipientsFile.Replace("'", "''"))' -MinimalMetadata;"))
        $argv[-1] | Should -Match ([regex]::Escape("Remove-BqBackupExpired -Destination '$($ageDest.Replace("'", "''"))' }")) -Because 'expiry needs no key'
        if ($systemdAnalyze) {
            $out = & $systemdAnalyze.Source verify @($r.Files) 2>&1 | Out-String
            $LASTEXITCODE | Should -Be 0 -Because $out
        }

        $run = Invoke-AsSystemd $argv
        $run.ExitCode | Should -Be 0 -Because $run.Output
        $backup = @(Get-BqBackup -Destination $ageDest)
        $backup | Should -HaveCount 1
        $backup[0].Name | Should -Match '\.db\.gz\.age$'
        $backup[0].Encrypted | Should -BeTrue
        @($backup[0].Recipients | Sort-Object) | Should -Be @($keys | Sort-Object)
        $backup[0].Sha256 | Should -BeNullOrEmpty -Because '-MinimalMetadata reached the job'
        ($backup[0] | Test-BqBackup -IdentityFile $identityFile).Result | Should -Be 'Passed'
    }

    It 'an identity given as -Recipient: SecretOnCommandLine, never repeated, nothing written' {
        $missingUnits = Join-Path $TestDrive 'age-refused-units'
        $e = Get-ErrorOf { Register-BqBackupSchedule -Name bqageid -Path $db -Destination $ageDest -Recipient $keys[0], $secrets[1] -UnitDirectory $missingUnits -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'SecretOnCommandLine,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.CategoryInfo.Category | Should -Be 'SecurityError'
        $e.TargetObject | Should -Be 'Recipient'
        "$e $($e.ErrorDetails.Message) $($e.ErrorDetails.RecommendedAction) $($e.TargetObject)" | Should -Not -Match ([regex]::Escape($secrets[1].Substring(15)))
        $e.ErrorDetails.RecommendedAction | Should -Match 'age-keygen -y'
        Test-Path $missingUnits | Should -BeFalse
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Path $db -Destination $ageDest -Recipient $secrets[0] -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'SecretOnCommandLine,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'an identity file given as -RecipientFile: AgeRecipientInvalid, naming the file and not the key' {
        $missingUnits = Join-Path $TestDrive 'age-refused-units'
        $e = Get-ErrorOf { Register-BqBackupSchedule -Name bqageidf -Path $db -Destination $ageDest -RecipientFile $identityFile -UnitDirectory $missingUnits -NoEnable -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'AgeRecipientInvalid,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e.TargetObject | Should -Be $identityFile
        "$e $($e.ErrorDetails.Message)" | Should -Match 'secret key'
        "$e $($e.ErrorDetails.Message) $($e.ErrorDetails.RecommendedAction)" | Should -Not -Match ([regex]::Escape($secrets[0].Substring(15)))
        Test-Path $missingUnits | Should -BeFalse
    }

    It 'a -Recipient that is no age1 key: AgeRecipientInvalid; -MinimalMetadata with nothing to encrypt to: AgeRecipientRequired' {
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Path $db -Destination $ageDest -Recipient 'age1notakey' -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'AgeRecipientInvalid,BqBackup.Commands.RegisterBqBackupScheduleCommand'
        $e = Get-ErrorOf { Register-BqBackupSchedule -AsCron -Path $db -Destination $ageDest -MinimalMetadata -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -Be 'AgeRecipientRequired,BqBackup.Commands.RegisterBqBackupScheduleCommand'
    }

    It 'no identity reaches the unit files, the crontab line or the -WhatIf text' {
        $texts = @(
            Get-ChildItem -LiteralPath $units -File | ForEach-Object { Get-Content -Raw -LiteralPath $_.FullName }
            "$(Register-BqBackupSchedule -AsCron -Path $db -Destination $ageDest -Recipient $keys[0] -RecipientFile $recipientsFile)"
            Invoke-ChildPwsh "Register-BqBackupSchedule -Name bqagewhatif -Path $(Q $db) -Destination $(Q $ageDest) -Recipient $(Q $keys[0]) -UnitDirectory $(Q $units) -WhatIf"
        ) -join "`n"
        $texts | Should -Match ([regex]::Escape($keys[0]))
        $texts | Should -Not -Match 'AGE-SECRET-KEY'
    }
}

Describe 'No secret reaches a schedule: not its unit files, its crontab line or its -WhatIf text' -Skip:$IsWindows {
    It 'neither the environment file''s secrets nor the session''s' {
        $units = Join-Path $TestDrive 'secret-units'
        $secrets = @('AKIAFILEKEY000000001', 'fileSecret/0123456789abcdefghijklmnop', 'AKIASESSIONKEY000001', 'sessionSecret/0123456789abcdefghijkl', 'sessionS3Secret/0123456789abcdefghij', 'sessionToken0123456789abcdefghij')
        $envFile = New-EnvironmentFile (Join-Path $weird 's3.env') @(
            "S3_ACCESS_KEY_ID=$($secrets[0])", "S3_SECRET_ACCESS_KEY=$($secrets[1])", 'S3_BUCKET=bqtest', 'S3_ENDPOINT=http://127.0.0.1:9')
        $session = @{ AWS_ACCESS_KEY_ID = $secrets[2]; AWS_SECRET_ACCESS_KEY = $secrets[3]; S3_SECRET_ACCESS_KEY = $secrets[4]; AWS_SESSION_TOKEN = $secrets[5] }
        $common = "-Path $(Q $db) -Destination 's3://bqtest/backups/' -EndpointUrl 'http://127.0.0.1:9' -Region 'us-east-1' -EnvironmentFile $(Q $envFile)"
        $texts = Invoke-WithEnvironment $session {
            $r = Register-BqBackupSchedule -Name bqsecret -Path $db -Destination 's3://bqtest/backups/' -EndpointUrl 'http://127.0.0.1:9' -Region 'us-east-1' -EnvironmentFile $envFile -UnitDirectory $units -NoEnable
            $r.Files | ForEach-Object { Get-Content -Raw $_ }
            $r | Format-List | Out-String
            "$(Register-BqBackupSchedule -AsCron -Path $db -Destination 's3://bqtest/backups/' -EnvironmentFile $envFile)"
            Invoke-ChildPwsh "Register-BqBackupSchedule -Name bqsecret2 $common -UnitDirectory $(Q $units) -WhatIf"
            Invoke-ChildPwsh "Register-BqBackupSchedule -AsCron $common"
        }
        $all = $texts -join "`n"
        foreach ($secret in $secrets) { $all | Should -Not -Match ([regex]::Escape($secret)) }
        $all | Should -Not -Match 'SECRET_ACCESS_KEY|SESSION_TOKEN'
        Get-Content -Raw (Join-Path $units 'bqsecret.service') | Should -Match ('(?m)^EnvironmentFile=' + [regex]::Escape($envFile.Replace('%', '%%')) + '$')
        $texts[3] | Should -Match ([regex]::Escape("set -a; . '"))
    }
}
