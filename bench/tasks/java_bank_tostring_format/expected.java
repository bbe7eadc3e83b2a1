    @Override
    public String toString() {
        return String.format("BankAccount[%s, %s, balance=%s]", iban, owner, balance);
    }
