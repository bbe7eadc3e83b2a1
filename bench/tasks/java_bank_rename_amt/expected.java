    public void deposit(BigDecimal amount, String memo) {
        requireActive();
        BigDecimal value = normalize(amount);
        requirePositive(value);
        balance = balance.add(value);
        record(Kind.DEPOSIT, value, memo);
    }

    public void withdraw(BigDecimal amount, String memo) {
        requireActive();
        BigDecimal value = normalize(amount);
        requirePositive(value);
        BigDecimal after = balance.subtract(value);
        if (after.compareTo(overdraftLimit.negate()) < 0) {
            throw new InsufficientFundsException(
                "withdrawal of " + value + " exceeds the overdraft limit of " + overdraftLimit);
        }
        boolean wasPositive = balance.signum() >= 0;
        balance = after;
        record(Kind.WITHDRAWAL, value, memo);
        if (wasPositive && balance.signum() < 0) {
            balance = balance.subtract(OVERDRAFT_FEE);
            record(Kind.FEE, OVERDRAFT_FEE, "overdraft fee");
        }
    }

    public void transferTo(BankAccount target, BigDecimal amount, String memo) {
        if (target == this) {
            throw new IllegalArgumentException("cannot transfer to the same account");
        }
        requireActive();
        target.requireActive();
        BigDecimal value = normalize(amount);
        requirePositive(value);
        BigDecimal after = balance.subtract(value);
        if (after.compareTo(overdraftLimit.negate()) < 0) {
            throw new InsufficientFundsException("transfer of " + value + " exceeds available funds");
        }
        balance = after;
        record(Kind.TRANSFER_OUT, value, memo + " to " + target.iban);
        target.balance = target.balance.add(value);
        target.record(Kind.TRANSFER_IN, value, memo + " from " + iban);
    }
