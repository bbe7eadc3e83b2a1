// ... existing code ...
  createdAt: Date;
  completedAt?: Date;
  dueDate?: Date;
}
// ... existing code ...
  toggle(id: number): Todo {
    const todo = this.get(id);
    todo.done = !todo.done;
    todo.completedAt = todo.done ? new Date() : undefined;
    this.notify();
    return todo;
  }
// ... existing code ...
