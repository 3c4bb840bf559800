# Two New-BqBackup runs to one destination in the same second, in parallel (thread jobs in this
# process, released at one instant): both succeed under distinct names, and each restores.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BqBackupModule
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:module = Join-Path $RepoRoot 'out/BqBackup/BqBackup.psd1'
    $script:db = Join-Path $TestDrive 'queue.db'
    New-SampleDatabase -Path $db -Jobs 300 | Out-Null
    $script:server = Start-S3Server -Bucket 'bqtest' -Root $TestDrive
    $script:s3 = @{ EndpointUrl = $server.Endpoint; Region = 'us-east-1'; AccessKey = 'S3RVER'; SecretKey = 'S3RVER' }

    # Starts $Count backups in thread jobs that wait for the same instant (100 ms past a whole
    # second), and returns what each output, or threw.
    function Invoke-ParallelBackup([string] $Destination, [hashtable] $Options, [int] $Count = 2) {
        $now = [datetime]::UtcNow
        $at = [datetime]::new($now.Ticks - ($now.Ticks % [timespan]::TicksPerSecond), 'Utc').AddSeconds(3).AddMilliseconds(100)
        $jobs = 1..$Count | ForEach-Object {
            Start-ThreadJob -ArgumentList $module, $db, $Destination, $Options, $at -ScriptBlock {
                param($module, $db, $destination, $options, $at)
                Import-Module $module
                $wait = $at - [datetime]::UtcNow
                if ($wait -gt [timespan]::Zero) { Start-Sleep -Milliseconds $wait.TotalMilliseconds }
                New-BqBackup -Path $db -Destination $destination @options -ErrorAction Stop
            }
        }
        $jobs | Wait-Job -Timeout 120 | Out-Null
        foreach ($job in $jobs) {
            [pscustomobject]@{ Backup = ($job | Receive-Job -ErrorVariable failed -ErrorAction SilentlyContinue); Errors = @($failed) }
            $job | Remove-Job -Force
        }
    }

    # Runs pairs until two landed in the same second (a loaded machine can make a thread late),
    # asserting on every pair that both succeeded with distinct names and restore.
    function Test-ParallelBackup([scriptblock] $NewDestination, [hashtable] $Options) {
        $collided = $false
        for ($attempt = 1; $attempt -le 3 -and -not $collided; $attempt++) {
            $dest = & $NewDestination $attempt
            $runs = @(Invoke-ParallelBackup $dest $Options)
            foreach ($run in $runs) { $run.Errors | Should -BeNullOrEmpty -Because 'every backup of the pair succeeds'; $run.Backup | Should -Not -BeNullOrEmpty }
            $names = @($runs.Backup.Name)
            @($names | Sort-Object -Unique).Count | Should -Be 2
            $listed = @(Get-BqBackup -Destination $dest @Options)
            $listed.Count | Should -Be 2
            ($listed.Status | Sort-Object -Unique) | Should -Be 'Ok'
            foreach ($b in $listed) {
                $result = $b | Test-BqBackup @Options
                $result.Passed | Should -BeTrue -Because "$($b.Name): $($result.Reasons -join '; ')"
                $b.Sha256 | Should -Be ($runs.Backup | Where-Object Name -eq $b.Name).Sha256
            }
            $collided = ($names -replace '^(backup-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d).*$', '$1' | Sort-Object -Unique).Count -eq 1
        }
        $collided | Should -BeTrue -Because 'the two backups were meant to land in the same second'
    }
}

AfterAll { Stop-S3Server $server }

Describe 'Two New-BqBackup runs to one destination in the same second' {
    It 'to a folder: both succeed, with distinct names, each sidecar matching its body' {
        Test-ParallelBackup { param($n) Join-Path $TestDrive "parallel-$n" } @{}
    }

    It 'to s3rver: both succeed, with distinct names, each sidecar matching its body' {
        Test-ParallelBackup { param($n) "s3://bqtest/parallel-$n/" } $s3
    }
}
