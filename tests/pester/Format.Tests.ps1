# Format views for every object the cmdlets output, keyed to the full type names, with sizes and
# ages as people read them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:savedCulture = [cultureinfo]::CurrentCulture
    [cultureinfo]::CurrentCulture = [cultureinfo]::InvariantCulture
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 200 | Out-Null
    $script:dest = Join-Path $TestDrive 'backups'
    $script:backup = New-BqBackup -Path $db -Destination $dest
    $script:oldName = Copy-BackupAsOf -Backup $backup -TimestampUtc ([datetime]::UtcNow.AddDays(-3).AddHours(-2))

    # The labels (or property names) of a view's columns or list items.
    function Get-ViewLabel([string] $TypeName, [string] $Control) {
        $view = (Get-FormatData -TypeName $TypeName).FormatViewDefinition | Where-Object { $_.Control.GetType().Name -eq $Control }
        if (-not $view) { return @() }
        if ($Control -eq 'TableControl') {
            $i = 0
            foreach ($header in $view.Control.Headers) {
                $item = $view.Control.Rows[0].Columns[$i++].DisplayEntry
                if ($header.Label) { $header.Label } else { $item.Value }
            }
        } else {
            foreach ($item in $view.Control.Entries[0].Items) { if ($item.Label) { $item.Label } else { $item.DisplayEntry.Value } }
        }
    }

    function Format-Plain($InputObject, [string] $As) {
        $old = $PSStyle.OutputRendering
        $PSStyle.OutputRendering = 'PlainText'
        try { if ($As -eq 'List') { $InputObject | Format-List | Out-String -Width 250 } else { $InputObject | Format-Table | Out-String -Width 250 } }
        finally { $PSStyle.OutputRendering = $old }
    }
}

AfterAll { [cultureinfo]::CurrentCulture = $savedCulture }

Describe 'Views exist for every output type, keyed to the full type name' {
    It '<Type> has a <Control>' -ForEach @(
        @{ Type = 'BqBackup.BackupInfo'; Control = 'TableControl' }
        @{ Type = 'BqBackup.BackupInfo'; Control = 'ListControl' }
        @{ Type = 'BqBackup.Restore.RestoreResult'; Control = 'ListControl' }
        @{ Type = 'BqBackup.Restore.BackupTestResult'; Control = 'TableControl' }
        @{ Type = 'BqBackup.Health.BackupHealth'; Control = 'ListControl' }
        @{ Type = 'BqBackup.Retention.RetentionDecision'; Control = 'TableControl' }
        @{ Type = 'BqBackup.Schedule.ScheduleInfo'; Control = 'ListControl' }
    ) {
        @(Get-ViewLabel $Type $Control).Count | Should -BeGreaterThan 0
    }

    It 'every type a cmdlet declares it outputs has a view' {
        $types = Get-Command -Module BqBackup | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Type } |
            Where-Object { $_ -and $_.Namespace -like 'BqBackup*' } | Sort-Object FullName -Unique
        foreach ($type in $types) { Get-FormatData -TypeName $type.FullName | Should -Not -BeNullOrEmpty -Because "$($type.FullName) is output" }
    }
}

Describe 'BqBackup.BackupInfo' {
    It 'the table shows Name, Timestamp, Age, Size and Status; Origin and Jobs are in the list' {
        @(Get-ViewLabel BqBackup.BackupInfo TableControl) | Should -Be @('Name', 'Timestamp (UTC)', 'Age', 'Size', 'Status')
        $labels = @(Get-ViewLabel BqBackup.BackupInfo ListControl)
        $labels | Should -Contain 'Origin'
        $labels | Should -Contain 'Counts'
    }

    It 'the table fits them in an 80-column console: the name and the timestamp in full' {
        $table = $backup | Format-Table | Out-String -Width 80
        foreach ($column in 'Name', 'Timestamp (UTC)', 'Age', 'Size', 'Status') { $table | Should -Match "(^|\s)$([regex]::Escape($column))(\s|$)" }
        $table | Should -Match ([regex]::Escape($backup.Name))
        $table | Should -Match ([regex]::Escape($backup.Timestamp.ToString('yyyy-MM-dd HH:mm:ss')))
        $table | Should -Match '\bOk\b'
        $table -split '\r?\n' | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }

    It 'the table shows sizes and ages as people read them' {
        $table = Format-Plain (Get-BqBackup -Destination $dest) -As Table
        $table | Should -Match '\d+(\.\d)? KiB'
        $table | Should -Match '\b3\.1 d\b'
        $table | Should -Match '\b\d+ (s|min)\b'
    }

    It 'the list shows every property (AgeSeconds as Age, read as people read it)' {
        $labels = @(Get-ViewLabel BqBackup.BackupInfo ListControl) | ForEach-Object { ($_ -replace '\s*\(.*\)$', '') }
        $missing = [BqBackup.BackupInfo].GetProperties().Name -replace 'Seconds$' | Where-Object { $_ -notin $labels }
        $missing | Should -BeNullOrEmpty
    }

    It 'the list shows sizes both ways: 1.2 KiB (1,234 bytes)' {
        $list = Format-Plain $backup -As List
        $list | Should -Match "Size\s+: [\d.]+ KiB \($('{0:N0}' -f $backup.Size) bytes\)"
        $list | Should -Match "DatabaseSize\s+: [\d.]+ KiB \($('{0:N0}' -f $backup.DatabaseSize) bytes\)"
    }
}

Describe 'BqBackup.Health.BackupHealth' {
    It 'the list shows Status, Reasons, the last backup''s time, age and size, and the counts' {
        $labels = @(Get-ViewLabel BqBackup.Health.BackupHealth ListControl)
        $labels[0..1] | Should -Be @('Status', 'Reasons')
        foreach ($l in 'LastBackupTime', 'LastBackupAge', 'LastBackupSize', 'BackupCount', 'TotalSize') { $labels | Should -Contain $l }
        $missing = [BqBackup.Health.BackupHealth].GetProperties().Name -replace 'Seconds$' | Where-Object { $_ -notin $labels }
        $missing | Should -BeNullOrEmpty
    }

    It 'reads as people read it' {
        $list = Format-Plain (Get-BqBackupStatus -Destination $dest) -As List
        $list | Should -Match 'Status\s+: Healthy'
        $list | Should -Match 'Reasons\s+: none'
        $list | Should -Match 'LastBackupTime\s+: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC'
        $list | Should -Match 'LastBackupAge\s+: \d+ (s|min)'
        $list | Should -Match 'LastBackupSize\s+: [\d.]+ KiB \([\d,]+ bytes\)'
        $list | Should -Match 'BackupCount\s+: 2'
        $list | Should -Match 'Interval\s+: 6\.0 h'
    }

    It 'shows why a destination is Critical' {
        $empty = New-Item -ItemType Directory (Join-Path $TestDrive 'empty-dest')
        $list = Format-Plain (Get-BqBackupStatus -Destination $empty.FullName) -As List
        $list | Should -Match 'Status\s+: Critical'
        $list | Should -Match 'Reasons\s+: no backup in the destination'
    }
}

Describe 'BqBackup.Retention.RetentionDecision' {
    It 'the table shows Action, Name, Timestamp and Reason' {
        Get-ViewLabel BqBackup.Retention.RetentionDecision TableControl | Should -Be @('Action', 'Name', 'Timestamp (UTC)', 'Reason')
    }

    It 'shows each decision with its reason (Get-BqBackupRetention), within 80 columns' {
        $table = Get-BqBackupRetention -Destination $dest -RetentionDays 1 | Format-Table | Out-String -Width 80
        $table | Should -Match "Keep\s+$([regex]::Escape($backup.Name))\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+newest backup"
        $table | Should -Match "Remove\s+$([regex]::Escape($oldName))\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+kept by no rule of"
        $table | Should -Match '-RetentionDays 1'
        $table -split '\r?\n' | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }
}

Describe 'BqBackup.Restore.RestoreResult' {
    It 'the list shows the database size both ways and how long the restore took' {
        $result = $backup | Restore-BqBackup -Path (Join-Path $TestDrive 'restored.db') -Confirm:$false
        $list = Format-Plain $result -As List
        $list | Should -Match "DatabaseSize\s+: [\d.]+ KiB \($('{0:N0}' -f $result.DatabaseSize) bytes\)"
        $list | Should -Match 'Duration\s+: \d+\.\d\d s'
        $list | Should -Match "Sha256\s+: $($result.Sha256)"
    }
}

Describe 'BqBackup.Restore.BackupTestResult at 80 columns' {
    BeforeAll {
        # A backup whose body was cut short: Test-BqBackup fails it, and the table must say why.
        $script:cut = Copy-BackupAsOf -Backup $backup -TimestampUtc ([datetime]::UtcNow.AddDays(-1))
        $path = Join-Path $dest $cut
        $bytes = [IO.File]::ReadAllBytes($path)
        [IO.File]::WriteAllBytes($path, $bytes[0..([int]($bytes.Length / 2))])
        $script:results = Get-BqBackup -Destination $dest -Name $backup.Name, $cut | Test-BqBackup
    }
    AfterAll { Remove-Item (Join-Path $dest "$cut*") }

    It 'the table shows the verdict and the whole reason, wrapped at word boundaries' {
        $table = $results | Format-Table | Out-String -Width 80
        $table -split '\r?\n' | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $flat = ($table -split '\r?\n' | ForEach-Object { $_.Substring([Math]::Min($_.Length, 45)).Trim() }) -join ' '
        $failed = $results | Where-Object { -not $_.Passed }
        $failed.Reasons.Count | Should -BeGreaterThan 0
        # Every word of the first reason is there, in order, none cut.
        $flat | Should -Match ([regex]::Escape(($failed.Reasons[0] -replace '\s+', ' ')).Replace('\ ', '\s+'))
        $table | Should -Match "$([regex]::Escape($cut))\s+Failed"
        $table | Should -Match "$([regex]::Escape($backup.Name))\s+Passed\s+checksum verified"
    }

    It 'the list shows every property, the reasons one a line' {
        $labels = @(Get-ViewLabel BqBackup.Restore.BackupTestResult ListControl) | ForEach-Object { ($_ -replace '\s*\(.*\)$', '') }
        [BqBackup.Restore.BackupTestResult].GetProperties().Name -replace 'Seconds$' | Where-Object { $_ -notin $labels } | Should -BeNullOrEmpty
        Format-Plain ($results | Where-Object { -not $_.Passed }) -As List | Should -Match 'Reasons\s+: \S'
    }
}

Describe 'Exports: ConvertTo-Json and Export-Csv give readable values' {
    BeforeAll {
        $script:health = Get-BqBackupStatus -Destination $dest -Interval '01:00:00'
        $script:tested = $backup | Test-BqBackup
        $script:empty = (New-Item -ItemType Directory (Join-Path $TestDrive 'export-empty')).FullName
    }

    It 'BackupInfo: JSON carries the age as seconds, and the objects keep Age as a TimeSpan for scripts' {
        $json = $backup | ConvertTo-Json
        $json | Should -Not -Match '"Ticks"'
        $back = $json | ConvertFrom-Json
        $back.AgeSeconds | Should -BeOfType [double]
        $back.AgeSeconds | Should -BeGreaterOrEqual 0
        $back.Name | Should -Be $backup.Name
        $back.Timestamp.ToUniversalTime().ToString('s') | Should -Be $backup.Timestamp.ToString('s')
        $backup.Age | Should -BeOfType [timespan]
        @(Get-BqBackup -Destination $dest | Where-Object Age -gt ([timespan]'2.00:00:00')).Name | Should -Be $oldName
        ($backup | Select-Object Name, Age).Age | Should -BeOfType [timespan]
    }

    It 'BackupHealth: JSON carries seconds and the reasons as an array' {
        $back = $health | ConvertTo-Json | ConvertFrom-Json
        $back.IntervalSeconds | Should -Be 3600
        $back.LastBackupAgeSeconds | Should -BeOfType [double]
        $health | ConvertTo-Json | Should -Not -Match '"Ticks"'
        $health.Interval | Should -Be ([timespan]'01:00:00')
        $health.LastBackupAge | Should -BeOfType [timespan]
        $warn = Get-BqBackupStatus -Destination $empty
        ,(($warn | ConvertTo-Json | ConvertFrom-Json).Reasons) | Should -BeOfType [object[]]
        ($warn | ConvertTo-Json | ConvertFrom-Json).Reasons[0] | Should -Match 'no backup'
    }

    It 'BackupTestResult: JSON carries the duration as seconds' {
        $json = $tested | ConvertTo-Json -Depth 5
        $json | Should -Not -Match '"Ticks"'
        $back = $json | ConvertFrom-Json
        $back.Result | Should -Be 'Passed'
        $back.DurationSeconds | Should -BeGreaterThan 0
        $tested.Duration | Should -BeOfType [timespan]
    }

    It 'Export-Csv / Import-Csv: Reasons is one readable line, durations are seconds, nothing is a .NET type name' {
        $csv = Join-Path $TestDrive 'export.csv'
        $failing = Get-BqBackupStatus -Destination $empty
        $failing.Reasons.Add('a second reason')
        $failing, $health | Export-Csv -LiteralPath $csv
        $rows = Import-Csv -LiteralPath $csv
        $rows[0].Reasons | Should -Be ($failing.Reasons -join '; ')
        $rows[1].IntervalSeconds | Should -Be '3600'
        Get-Content -Raw $csv | Should -Not -Match 'System\.Collections|TimeSpan|Ticks'
        # The list is still a list for scripts.
        $failing.Reasons.Count | Should -Be 2
        $failing.Reasons[1] | Should -Be 'a second reason'

        $tested, $tested | Export-Csv -LiteralPath $csv
        $row = (Import-Csv -LiteralPath $csv)[0]
        $row.Result | Should -Be 'Passed'
        [double] $row.DurationSeconds | Should -BeGreaterThan 0
        $row.Counts | Should -Match '^jobs=200 '

        $backup | Export-Csv -LiteralPath $csv
        $row = Import-Csv -LiteralPath $csv
        $row.Name | Should -Be $backup.Name
        [double] $row.AgeSeconds | Should -BeGreaterOrEqual 0
        Get-Content -Raw $csv | Should -Not -Match 'System\.Collections|BqBackup\.JobCounts'
    }
}

Describe 'Exports of every output type: no .NET type name in CSV, no TimeSpan in JSON' -Skip:$IsWindows {
    BeforeAll {
        $identity = Join-Path $TestDrive 'export-identity.txt'
        $breakGlass = Join-Path $TestDrive 'export-break-glass.txt'
        foreach ($file in $identity, $breakGlass) { & age-keygen -o $file 2>$null }
        $recipients = @(& age-keygen -y $identity) + @(& age-keygen -y $breakGlass)
        $script:exportRecipients = $recipients
        $encryptedDest = Join-Path $TestDrive 'export-encrypted'
        $script:encrypted = New-BqBackup -Path $db -Destination $encryptedDest -Recipient $recipients
        $script:encryptedTest = $encrypted | Test-BqBackup -IdentityFile $identity
        $target = Join-Path $TestDrive 'export-restored.db'
        Copy-Item -LiteralPath $db -Destination $target
        $script:restored = Restore-BqBackup -Path $target -Destination $dest -Latest -Confirm:$false
        $script:decisions = Get-BqBackupRetention -Destination $dest -KeepLast 1
        $units = Join-Path $TestDrive 'export-units'
        $script:schedule = Register-BqBackupSchedule -Name 'export' -Path $db -Destination $dest -UnitDirectory $units -NoEnable -Recipient $recipients[0] -Interval '01:30:00'
        $script:everything = @{
            BackupInfo = $encrypted; BackupTestResult = $encryptedTest; RestoreResult = $restored
            RetentionDecision = $decisions[0]; ScheduleInfo = $schedule; BackupHealth = (Get-BqBackupStatus -Destination $dest)
        }
        function ConvertTo-CsvText($InputObject) { ($InputObject | ConvertTo-Csv) -join "`n" }
    }

    It '<_>: Export-Csv writes no .NET type name, ConvertTo-Json no TimeSpan fields' -ForEach 'BackupInfo', 'BackupTestResult', 'RestoreResult', 'RetentionDecision', 'ScheduleInfo', 'BackupHealth' {
        $object = $everything[$_]
        $object | Should -Not -BeNullOrEmpty
        ConvertTo-CsvText $object | Should -Not -MatchExactly 'System\.[A-Z]|BqBackup\.[A-Z]|\[\]|`1'
        $object | ConvertTo-Json -Depth 4 | Should -Not -Match '"Ticks"|"TotalMilliseconds"'
    }

    It 'the recipients of an encrypted backup are one readable line in CSV, an array in JSON, a list for scripts' {
        $encrypted.Recipients | Should -HaveCount 2
        $row = ConvertTo-CsvText $encrypted | ConvertFrom-Csv
        $row.Recipients | Should -Be ($exportRecipients -join '; ')
        ($encrypted | ConvertTo-Json -Depth 4 | ConvertFrom-Json).Recipients | Should -Be $exportRecipients
        (ConvertTo-CsvText $encryptedTest | ConvertFrom-Csv).Recipients | Should -Be ($exportRecipients -join '; ')
    }

    It 'a schedule exports its interval as seconds and its files as one line; scripts still read Interval as a TimeSpan' {
        $schedule.Interval | Should -Be ([timespan]'01:30:00')
        $row = ConvertTo-CsvText $schedule | ConvertFrom-Csv
        $row.IntervalSeconds | Should -Be '5400'
        $row.Files | Should -Be ($schedule.Files -join '; ')
        $row.Recipients | Should -Be $exportRecipients[0]
        ($schedule | ConvertTo-Json | ConvertFrom-Json).IntervalSeconds | Should -Be 5400
        $schedule | Format-List | Out-String -Width 400 | Should -Match ('Interval\s+: ' + [regex]::Escape([BqBackup.Schedule.ScheduleInterval]::Describe([timespan]'01:30:00')))
    }

    It 'a restore lists the files it moved aside as one line in CSV' {
        $restored.MovedAside.Count | Should -BeGreaterThan 0
        (ConvertTo-CsvText $restored | ConvertFrom-Csv).MovedAside | Should -Be (($restored.MovedAside | ForEach-Object { "$($_.From) -> $($_.To)" }) -join '; ')
    }
}

Describe 'Display, the helper the views use' {
    It 'Size(<Bytes>) is <Text>' -ForEach @(
        @{ Bytes = 0; Text = '0 B' }, @{ Bytes = 1023; Text = '1,023 B' }, @{ Bytes = 1536; Text = '1.5 KiB' },
        @{ Bytes = 5242880; Text = '5.0 MiB' }, @{ Bytes = 157286400; Text = '150 MiB' }, @{ Bytes = 3221225472; Text = '3.00 GiB' }
    ) {
        [BqBackup.Formatting.Display]::Size([long] $Bytes) | Should -Be $Text
    }

    It 'Age(<Span>) is <Text>' -ForEach @(
        @{ Span = '00:00:42'; Text = '42 s' }, @{ Span = '00:12:30'; Text = '12 min' }, @{ Span = '03:12:00'; Text = '3.2 h' },
        @{ Span = '2.00:00:00'; Text = '2.0 d' }, @{ Span = '-00:05:00'; Text = '-5 min' }
    ) {
        [BqBackup.Formatting.Display]::Age([timespan] $Span) | Should -Be $Text
    }

    It 'Duration(<Span>) is <Text>' -ForEach @(
        @{ Span = '00:00:00.4200000'; Text = '0.42 s' }, @{ Span = '00:00:12.5000000'; Text = '12.5 s' }, @{ Span = '00:03:00'; Text = '3 min' }
    ) {
        [BqBackup.Formatting.Display]::Duration([timespan] $Span) | Should -Be $Text
    }

    It 'Wrap breaks at spaces within the width, cutting only a longer word' {
        [BqBackup.Formatting.Display]::Wrap('kept by no rule of -RetentionDays 1', 20) | Should -Be "kept by no rule of`n-RetentionDays 1"
        [BqBackup.Formatting.Display]::Wrap('abcdefghij', 4) | Should -Be "abcd`nefgh`nij"
        [BqBackup.Formatting.Display]::Wrap($null, 10) | Should -Be ''
    }

    It 'null is empty' {
        [BqBackup.Formatting.Display]::Size($null) | Should -Be ''
        [BqBackup.Formatting.Display]::Age($null) | Should -Be ''
        [BqBackup.Formatting.Display]::Time($null) | Should -Be ''
        [BqBackup.Formatting.Display]::Duration($null) | Should -Be ''
    }
}
