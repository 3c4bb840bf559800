# -Name means one thing everywhere: Get-BqBackup, Test-BqBackup, Restore-BqBackup and the -Name
# completer share one lookup, with PowerShell's wildcard rules (case-insensitive; * ? [abc] [a-z];
# backtick escapes), against a folder and against S3 (s3rver).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
    $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 30 | Out-Null

    # Three backups, the same in a folder and in S3: now, 2020-01-03 and 2020-01-02.
    $script:folder = Join-Path $TestDrive 'backups'
    $script:newest = (New-BqBackup -Path $db -Destination $folder).Name
    $seed = Get-BqBackup -Destination $folder -Latest
    $script:mid = Copy-BackupAsOf -Backup $seed -TimestampUtc ([datetime]::new(2020, 1, 3, 0, 0, 0, [DateTimeKind]::Utc))
    $script:old = Copy-BackupAsOf -Backup $seed -TimestampUtc ([datetime]::new(2020, 1, 2, 0, 0, 0, [DateTimeKind]::Utc))
    Invoke-Aws $server s3 cp $folder 's3://bqtest/lookup/' --recursive | Out-Null

    # A command's output, its non-terminating errors and its terminating error, apart.
    function Invoke-Lookup([scriptblock] $Command) {
        # Non-terminating errors stay non-terminating whatever the runner's preference.
        $ErrorActionPreference = 'Continue'
        $result = [pscustomobject]@{ Output = @(); Errors = @(); Terminating = $null }
        try {
            $all = @(& $Command 2>&1)
            $result.Output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
            $result.Errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        } catch {
            $result.Terminating = $_
        }
        $result
    }

    function ErrorIdOf($ErrorRecord) { if ($ErrorRecord) { ($ErrorRecord.FullyQualifiedErrorId -split ',')[0] } }
}

AfterAll { Stop-S3Server $server }

Describe 'The -Name rule is PowerShell''s WildcardPattern (IgnoreCase), case by case' {
    It '<Pattern> against <Text>' -ForEach @(
        @{ Pattern = 'backup-2020*'; Text = 'BACKUP-2020-01-02' }, @{ Pattern = 'BACKUP-2020-01-02'; Text = 'backup-2020-01-02' }
        @{ Pattern = 'a?c'; Text = 'abc' }, @{ Pattern = 'a?c'; Text = 'ac' }, @{ Pattern = '*a*b'; Text = 'xaxbx' }
        @{ Pattern = '[a-c]x'; Text = 'Bx' }, @{ Pattern = '[A-C]x'; Text = 'bx' }, @{ Pattern = '[Z-a]'; Text = '_' }
        @{ Pattern = '[!a]x'; Text = '!x' }, @{ Pattern = '[^a]x'; Text = 'bx' }, @{ Pattern = '[-a]x'; Text = '-x' }
        @{ Pattern = '[a-c-e]'; Text = 'd' }, @{ Pattern = '[a-c-e]'; Text = '-' }, @{ Pattern = '[]]x'; Text = ']x' }
        @{ Pattern = '[a]]x'; Text = 'a]x' }, @{ Pattern = ']'; Text = ']' }, @{ Pattern = '[*]'; Text = '*' }
        @{ Pattern = 'a`*'; Text = 'a*' }, @{ Pattern = 'a`*'; Text = 'ab' }, @{ Pattern = '[a`-c]'; Text = 'b' }
        @{ Pattern = '[`]]x'; Text = ']x' }, @{ Pattern = 'a`'; Text = 'a`' }, @{ Pattern = '`'; Text = '' }
        @{ Pattern = 'a``b'; Text = 'a`b' }, @{ Pattern = 'backup-['; Text = 'backup-[' }, @{ Pattern = 'a[]b'; Text = 'a]b' }
        @{ Pattern = '[c-a]x'; Text = 'bx' }, @{ Pattern = '[a--]'; Text = '-' }, @{ Pattern = 'a[`]'; Text = 'a]' }
    ) {
        $expected = try { [WildcardPattern]::new($Pattern, 'IgnoreCase').IsMatch($Text) } catch { 'invalid' }
        $actual = try { [BqBackup.Catalog.BackupNamePattern]::Parse($Pattern).IsMatch($Text) } catch { if ($_.Exception.InnerException.ErrorId -eq 'InvalidNamePattern') { 'invalid' } else { throw } }
        "$actual" | Should -Be "$expected"
        if ($expected -ne 'invalid') {
            [BqBackup.Catalog.BackupNamePattern]::Parse($Pattern).HasWildcards | Should -Be ([WildcardPattern]::ContainsWildcardCharacters($Pattern))
        }
    }
}

Describe 'Get, Test and Restore agree on -Name (<Kind>)' -ForEach @(@{ Kind = 'folder' }, @{ Kind = 's3' }) {
    BeforeAll {
        $script:at = if ($Kind -eq 'folder') { @{ Destination = $folder } } else { @{ Destination = 's3://bqtest/lookup/' } + $s3 }
    }

    It '<Case>' -ForEach @(
        @{ Case = 'a literal name in another case finds that backup'; Name = 'BACKUP-2020-01-03T00-00-00.DB.GZ'; Found = @('mid'); Restored = 'mid' }
        @{ Case = 'a wildcard that matches one backup restores it'; Name = 'Backup-2020-01-0[2]T*'; Found = @('old'); Restored = 'old' }
        @{ Case = '? matches one character'; Name = 'backup-2020-01-0?T00-00-00.db.gz'; Found = @('mid', 'old'); RestoreError = 'AmbiguousBackupName'; Count = 2 }
        @{ Case = 'a wildcard that matches several is refused by Restore'; Name = 'B*'; Found = @('newest', 'mid', 'old'); RestoreError = 'AmbiguousBackupName'; Count = 3 }
        @{ Case = 'a literal name that matches nothing is BackupNotFound'; Name = 'backup-1999-01-01T00-00-00.db.gz'; Found = @(); NotFound = $true; RestoreError = 'BackupNotFound' }
        @{ Case = 'a wildcard that matches nothing finds nothing quietly'; Name = 'backup-1999-*'; Found = @(); RestoreError = 'BackupNotFound' }
    ) {
        $names = @{ newest = $newest; mid = $mid; old = $old }
        $expected = @($Found | ForEach-Object { $names[$_] })

        foreach ($command in @(
                { Get-BqBackup @at -Name $Name },
                { Test-BqBackup @at -Name $Name })) {
            $r = Invoke-Lookup $command
            $r.Terminating | Should -BeNullOrEmpty
            @($r.Output.Name) | Should -Be $expected -Because "$command"
            if ($command -match 'Test-') { $r.Output | ForEach-Object { $_.Passed | Should -BeTrue } }
            if ($NotFound) {
                $r.Errors | Should -HaveCount 1
                ErrorIdOf $r.Errors[0] | Should -Be 'BackupNotFound'
                $r.Errors[0].TargetObject | Should -Be $Name
                $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            } else {
                $r.Errors | Should -BeNullOrEmpty
            }
        }

        $target = Join-Path $TestDrive ("restored-" + [guid]::NewGuid().ToString('N') + '.db')
        $r = Invoke-Lookup { Restore-BqBackup -Path $target @at -Name $Name -Confirm:$false }
        if ($Restored) {
            $r.Terminating | Should -BeNullOrEmpty
            $r.Output.BackupName | Should -Be $names[$Restored]
            Test-Path $target | Should -BeTrue
        } else {
            # A restore that cannot pick its backup is that restore's error, not the pipeline's end.
            $r.Terminating | Should -BeNullOrEmpty
            $r.Errors | Should -HaveCount 1
            $e = $r.Errors[0]
            ErrorIdOf $e | Should -Be $RestoreError
            $e.TargetObject | Should -Be $Name
            if ($Count) { $e.Exception.Message | Should -Match "matches $Count backups" }
            $e.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            Test-Path $target | Should -BeFalse
        }
    }

    It 'several names: each backup once, newest first, and a BackupNotFound for each literal name that matches nothing' {
        foreach ($command in @(
                { Get-BqBackup @at -Name 'backup-2020-01-02*', 'nope.db.gz', $mid.ToUpper(), 'NOPE-2.db.gz', 'backup-2020-*' },
                { Test-BqBackup @at -Name 'backup-2020-01-02*', 'nope.db.gz', $mid.ToUpper(), 'NOPE-2.db.gz', 'backup-2020-*' })) {
            $r = Invoke-Lookup $command
            @($r.Output.Name) | Should -Be @($mid, $old)
            @($r.Errors | ForEach-Object { ErrorIdOf $_ }) | Should -Be @('BackupNotFound', 'BackupNotFound')
            @($r.Errors.TargetObject) | Should -Be @('nope.db.gz', 'NOPE-2.db.gz')
        }
    }

    It 'a malformed pattern stops each command with InvalidNamePattern, naming the pattern' {
        $target = Join-Path $TestDrive 'never.db'
        foreach ($command in @(
                @{ Id = 'GetBqBackupCommand'; Run = { Get-BqBackup @at -Name 'backup-[' } },
                @{ Id = 'TestBqBackupCommand'; Run = { Test-BqBackup @at -Name $mid, 'backup-[' } },
                @{ Id = 'RestoreBqBackupCommand'; Run = { Restore-BqBackup -Path $target @at -Name 'backup-[' -Confirm:$false } })) {
            $r = Invoke-Lookup $command.Run
            $r.Output | Should -BeNullOrEmpty
            $r.Errors | Should -BeNullOrEmpty
            $r.Terminating.FullyQualifiedErrorId | Should -Be "InvalidNamePattern,BqBackup.Commands.$($command.Id)"
            $r.Terminating.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $r.Terminating.TargetObject | Should -Be 'backup-['
            $r.Terminating.Exception.GetType().FullName | Should -Be 'BqBackup.BqBackupException'
            $r.Terminating.Exception.Message | Should -Match "'backup-\[' is not valid"
            $r.Terminating.ErrorDetails.RecommendedAction | Should -Match 'backtick'
        }
        Test-Path $target | Should -BeFalse
    }

    It 'Tab after -Name completes by the same rule: any case, wildcards as typed, nothing for a malformed pattern' {
        $extra = if ($Kind -eq 's3') { "-EndpointUrl $($server.Endpoint) -Region us-east-1 -AccessKey S3RVER -SecretKey S3RVER " } else { '' }
        $line = "Test-BqBackup -Destination '$($at.Destination)' $extra-Name "
        $complete = { param($Word) (TabExpansion2 -inputScript ($line + $Word) -cursorColumn ($line + $Word).Length).CompletionMatches.CompletionText }
        & $complete 'BACKUP-2020' | Should -Be @($mid, $old)
        & $complete "'*-0[2]T*'" | Should -Be @($old)
        & $complete "'backup-['" | Should -BeNullOrEmpty
    }
}
